using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Transactions.Coordinator.Sagas;

/// <summary>
/// The queries the saga API and the deadline job run against any registered workflow's saga table, found by the
/// workflow's state type at run time.
/// </summary>
public interface IWorkflowSagaQueries
{
    Task<WorkflowSaga?> FindAsync(DbContext db, Guid sagaId, CancellationToken ct);

    /// <summary>Sagas whose deadline is at or before <paramref name="now"/>, earliest first.</summary>
    Task<List<(Guid SagaId, DateTimeOffset DeadlineAt)>> DueAsync(DbContext db, DateTimeOffset now, int limit,
        CancellationToken ct);

    /// <summary>Sagas in <paramref name="state"/>, least recently changed first.</summary>
    Task<List<WorkflowSaga>> InStateAsync(DbContext db, string state, int limit, CancellationToken ct);

    /// <summary>The queue the workflow's saga consumes from.</summary>
    string EndpointName(IEndpointNameFormatter formatter);
}

public static class WorkflowSagaQueries
{
    static readonly ConcurrentDictionary<Type, IWorkflowSagaQueries> Cache = new();

    public static IWorkflowSagaQueries For(SagaWorkflow workflow) =>
        Cache.GetOrAdd(workflow.StateType, t =>
            (IWorkflowSagaQueries)Activator.CreateInstance(typeof(Queries<>).MakeGenericType(t))!);

    sealed class Queries<TSaga> : IWorkflowSagaQueries
        where TSaga : WorkflowSaga
    {
        public async Task<WorkflowSaga?> FindAsync(DbContext db, Guid sagaId, CancellationToken ct) =>
            await db.Set<TSaga>().AsNoTracking().SingleOrDefaultAsync(s => s.CorrelationId == sagaId, ct);

        public async Task<List<(Guid SagaId, DateTimeOffset DeadlineAt)>> DueAsync(DbContext db, DateTimeOffset now,
            int limit, CancellationToken ct)
        {
            var due = await db.Set<TSaga>().AsNoTracking()
                .Where(s => s.DeadlineAt != null && s.DeadlineAt <= now)
                .OrderBy(s => s.DeadlineAt)
                .Take(limit)
                .Select(s => new { s.CorrelationId, s.DeadlineAt })
                .ToListAsync(ct);
            return due.Select(d => (d.CorrelationId, d.DeadlineAt!.Value)).ToList();
        }

        public async Task<List<WorkflowSaga>> InStateAsync(DbContext db, string state, int limit,
            CancellationToken ct) =>
            [.. await db.Set<TSaga>().AsNoTracking()
                .Where(s => s.CurrentState == state)
                .OrderBy(s => s.UpdatedAt).ThenBy(s => s.CorrelationId)
                .Take(limit)
                .ToListAsync(ct)];

        public string EndpointName(IEndpointNameFormatter formatter) => formatter.Saga<TSaga>();
    }
}
