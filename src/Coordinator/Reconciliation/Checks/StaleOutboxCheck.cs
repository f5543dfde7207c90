using Microsoft.Extensions.Options;
using Transactions.Coordinator.Persistence;
using Transactions.Outbox.Delivery;

namespace Transactions.Coordinator.Reconciliation.Checks;

/// <summary>
/// Finds coordinator outbox messages committed longer ago than <see cref="ReconciliationOptions.StaleOutboxAfter"/>
/// and still undelivered (the delivery service stopped, stalled or lost its wake-up), and delivers them from here.
/// Delivery takes the same row locks as the service, so a message is never sent twice by the two. Dead letters are
/// reported for an operator.
/// </summary>
public sealed class StaleOutboxCheck(OutboxBacklog<CoordinatorDbContext> outbox,
    IOptions<ReconciliationOptions> options) : IReconciliationCheck
{
    public string Name => "outbox";

    public async Task RunAsync(ReconciliationContext context, CancellationToken cancellationToken)
    {
        var backlog = await outbox.GetAsync(cancellationToken);
        context.Examined(Name, backlog.Count);
        // Not repaired here: the broker refused these while it took others, so sending them again as they are would
        // fail again. An operator requeues each once its cause is fixed.
        if (backlog.DeadLettered > 0)
            context.Found(Name, "outbox-dead-letters", "coordinator outbox",
                $"{backlog.DeadLettered} message(s) dead-lettered: GET /api/outbox/dead-letters, then " +
                "POST /api/outbox/dead-letters/{sequenceNumber}/requeue once the cause is fixed");
        if (backlog.OldestSentTime is not { } oldest)
            return;
        var oldestAt = new DateTimeOffset(DateTime.SpecifyKind(oldest, DateTimeKind.Utc));
        if (oldestAt > context.Now - options.Value.StaleOutboxAfter)
            return;

        context.Found(Name, "stale-outbox", "coordinator outbox",
            $"{backlog.Count} message(s) undelivered, the oldest since {oldestAt:O}", oldestAt);
        if (context.DryRun)
            return;
        var delivered = await outbox.DeliverNowAsync(options.Value.BatchLimit, cancellationToken);
        context.Did(Name, "coordinator outbox", $"delivered {delivered} message(s)",
            delivered > 0 ? "ok" : "nothing could be delivered: is the broker reachable?");
    }
}
