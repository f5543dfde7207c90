using MassTransit;
using Microsoft.Extensions.Options;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.Reconciliation.Checks;

/// <summary>
/// Finds sagas that stopped moving. Every waiting state of a workflow carries a deadline and the deadline job tells the
/// saga when it passes, so a saga still past its deadline long after (<see cref="ReconciliationOptions.NoProgressAfter"/>)
/// lost that message or could not act on it: the run tells it again, which re-sends the pending command or drives
/// the timeout into cancel or compensation, as the workflow defines. Sagas in NeedsAttention are reported.
/// Both queries use indexes that finished sagas are not in (null deadline) or not near (their state), so the cost
/// follows the number of stuck sagas, not of finished ones.
/// </summary>
public sealed class StuckSagaCheck(IServiceScopeFactory scopes, IEnumerable<SagaWorkflow> workflows, IBus bus,
    IEndpointNameFormatter endpointNames, IOptions<ReconciliationOptions> options) : IReconciliationCheck
{
    public const string NeedsAttention = "NeedsAttention";

    /// <summary>How many deadline messages are awaiting the broker's confirm at once.</summary>
    const int SendBatch = 100;

    public string Name => "sagas";

    public async Task RunAsync(ReconciliationContext context, CancellationToken cancellationToken)
    {
        var limit = options.Value.BatchLimit;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        foreach (var workflow in workflows)
        {
            var queries = WorkflowSagaQueries.For(workflow);
            var overdue = await queries.DueAsync(db, context.Now - options.Value.NoProgressAfter, limit,
                cancellationToken);
            var attention = await queries.InStateAsync(db, NeedsAttention, limit, cancellationToken);
            context.Examined(Name, overdue.Count + attention.Count);

            foreach (var saga in attention)
                context.Found(Name, "needs-attention", Subject(workflow, saga.CorrelationId),
                    saga.Outcome ?? "needs attention", saga.UpdatedAt);
            if (overdue.Count == 0)
                continue;

            foreach (var (sagaId, deadlineAt) in overdue)
                context.Found(Name, "overdue", Subject(workflow, sagaId), $"deadline {deadlineAt:O} passed",
                    deadlineAt);
            if (context.DryRun)
                continue;

            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queries.EndpointName(endpointNames)}"));
            // Each send completes when the broker confirms it. One at a time, a run over 1,000 overdue sagas took
            // 12-25 s (bench reconcile); a batch in flight together shares the broker's confirms.
            foreach (var batch in overdue.Chunk(SendBatch))
                await Task.WhenAll(batch.Select(async due =>
                {
                    await endpoint.Send(new DeadlineExpired(due.SagaId, due.DeadlineAt), cancellationToken);
                    context.Did(Name, Subject(workflow, due.SagaId), "re-sent its deadline to the saga", "sent");
                }));
        }
    }

    static string Subject(SagaWorkflow workflow, Guid sagaId) => $"{workflow.Name}/{sagaId}";
}
