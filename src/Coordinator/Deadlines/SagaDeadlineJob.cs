using MassTransit;
using Microsoft.Extensions.Options;
using Quartz;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.Deadlines;

/// <summary>
/// Finds sagas of every registered workflow whose deadline has passed and sends each a
/// <see cref="DeadlineExpired"/> on its own endpoint. The deadline lives in the saga's row, so it survives a restart:
/// whichever coordinator polls next fires it. Sending twice is harmless: a saga acts on the deadline it still has.
/// </summary>
[DisallowConcurrentExecution]
public sealed class SagaDeadlineJob(IServiceScopeFactory scopes, IEnumerable<SagaWorkflow> workflows, IBus bus,
    IEndpointNameFormatter endpointNames, TimeProvider time, IOptions<SagaDeadlineOptions> options,
    DeadlineNotifications notifications, ILogger<SagaDeadlineJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        var due = new List<(Guid, DateTimeOffset)>();
        foreach (var workflow in workflows)
        {
            var queries = WorkflowSagaQueries.For(workflow);
            var passed = await queries.DueAsync(db, now, options.Value.BatchSize, cancellationToken);
            if (passed.Count == 0)
                continue;
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queries.EndpointName(endpointNames)}"));
            foreach (var (sagaId, deadlineAt) in passed)
            {
                due.Add((sagaId, deadlineAt));
                if (!notifications.ShouldSend(sagaId, deadlineAt, now, options.Value.ResendAfter))
                    continue;
                await endpoint.Send(new DeadlineExpired(sagaId, deadlineAt), cancellationToken);
                logger.LogDebug("Deadline {DeadlineAt} of {Workflow} saga {SagaId} passed", deadlineAt, workflow.Name,
                    sagaId);
            }
        }
        notifications.Forget(due);
    }
}

/// <summary>
/// Which passed deadlines were already sent, so a saga busy handling one is not told again every poll. Only an
/// optimisation: lost on restart, when every passed deadline is simply sent again.
/// </summary>
public sealed class DeadlineNotifications
{
    readonly Dictionary<Guid, (DateTimeOffset DeadlineAt, DateTimeOffset SentAt)> _sent = [];

    public bool ShouldSend(Guid sagaId, DateTimeOffset deadlineAt, DateTimeOffset now, TimeSpan resendAfter)
    {
        if (_sent.TryGetValue(sagaId, out var last) && last.DeadlineAt == deadlineAt && now - last.SentAt < resendAfter)
            return false;
        _sent[sagaId] = (deadlineAt, now);
        return true;
    }

    /// <summary>Drops every saga no longer due, keeping the map as small as the set of passed deadlines.</summary>
    public void Forget(IEnumerable<(Guid SagaId, DateTimeOffset DeadlineAt)> stillDue)
    {
        var keep = stillDue.Select(d => d.SagaId).ToHashSet();
        foreach (var sagaId in _sent.Keys.Where(id => !keep.Contains(id)).ToList())
            _sent.Remove(sagaId);
    }
}
