using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Delivery;

/// <summary>
/// Puts dead letters back into delivery on a long backoff before they need an operator: most causes of a refusal (an
/// exchange not declared yet, a policy, a full disk on the broker) are fixed within hours. A dead letter is due once
/// it has waited as long as it had lived when it was dead-lettered, and at least
/// <see cref="PostgresOutboxOptions.DeadLetterRetryAfter"/>: each failed retry doubles the next wait, with no counter
/// to store. Only messages sent within <see cref="PostgresOutboxOptions.DeadLetterRetryWindow"/> (never beyond the inbox
/// retention, so a receiver still recognises a message it took after all) are retried; older ones stay for an operator.
/// Checked every <see cref="PostgresOutboxOptions.CleanupInterval"/>.
/// </summary>
sealed class DeadLetterRetryService<TDbContext>(IServiceProvider services, IOptions<PostgresOutboxOptions> options,
    OutboxWakeup<TDbContext> wakeup, TimeProvider time, ILogger<DeadLetterRetryService<TDbContext>> logger)
    : BackgroundService
    where TDbContext : DbContext
{
    const int BatchSize = 1_000;

    // The dead letters' own sequence numbers are left behind: a message sent again queues behind what its conversation
    // sent since, as an operator's requeue does. SKIP LOCKED: instances checking at once share the due rows out.
    const string RetryDue = "WITH due AS (SELECT sequence_number FROM " + OutboxDeadLetterMapping.Table +
        " WHERE sent_time > {0} AND dead_lettered_at <= {1} - GREATEST({2}::interval, dead_lettered_at - sent_time)" +
        " ORDER BY sequence_number LIMIT {3} FOR UPDATE SKIP LOCKED), moved AS (DELETE FROM " +
        OutboxDeadLetterMapping.Table + " WHERE sequence_number IN (SELECT sequence_number FROM due) RETURNING " +
        OutboxMessageMapping.MessageColumns + ") INSERT INTO " + OutboxMessageMapping.Table + " (" +
        OutboxMessageMapping.MessageColumns + ") SELECT " + OutboxMessageMapping.MessageColumns + " FROM moved";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.DeadLetterRetryAfter == TimeSpan.Zero || !settings.DeliveryEnabled)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.CleanupInterval, time, stoppingToken);
                var retried = await RetryDueAsync(settings, stoppingToken);
                if (retried == 0)
                    continue;
                logger.LogWarning("Put {Count} outbox dead letter(s) back into delivery for an automatic retry", retried);
                wakeup.Committed();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The next interval tries again; a dead letter only waits a little longer.
                logger.LogWarning("Retrying outbox dead letters failed, trying again in {Interval}: {Error}",
                    settings.CleanupInterval, e.Message);
            }
        }
    }

    async Task<int> RetryDueAsync(PostgresOutboxOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var window = settings.DeadLetterRetryWindow < settings.InboxRetention
            ? settings.DeadLetterRetryWindow
            : settings.InboxRetention;
        int moved, total = 0;
        do
        {
            moved = await db.Database.ExecuteSqlRawAsync(RetryDue,
                [now - window, now, settings.DeadLetterRetryAfter, BatchSize], cancellationToken);
            total += moved;
        } while (moved == BatchSize);
        return total;
    }
}
