using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

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

    /// <summary>
    /// Up to <paramref name="take"/> sagas matching <paramref name="filter"/>, in the saga list's order
    /// (created_at, correlation_id), after the filter's cursor.
    /// </summary>
    Task<List<SagaRow>> PageAsync(DbContext db, SagaPageFilter filter, int take, CancellationToken ct);

    /// <summary>
    /// How many sagas are in each state: counted while the table holds at most
    /// <see cref="WorkflowSagaQueries.CountedSagas"/>, beyond that PostgreSQL's estimate from its statistics
    /// (<c>Estimated</c>), where states too rare for the statistics to list are left out.
    /// </summary>
    Task<(Dictionary<string, int> ByState, bool Estimated)> CountByStateAsync(DbContext db, CancellationToken ct);

    /// <summary>The queue the workflow's saga consumes from.</summary>
    string EndpointName(IEndpointNameFormatter formatter);
}

public static class WorkflowSagaQueries
{
    static readonly ConcurrentDictionary<Type, IWorkflowSagaQueries> Cache = new();

    /// <summary>Up to this many sagas of a workflow are counted; beyond, the counts are the planner's estimates.</summary>
    public const int CountedSagas = 10_000;

    public static IWorkflowSagaQueries For(SagaWorkflow workflow) =>
        Cache.GetOrAdd(workflow.StateType, t =>
            (IWorkflowSagaQueries)Activator.CreateInstance(typeof(Queries<>).MakeGenericType(t))!);

    /// <summary>The saga with this id and its workflow, whichever registered workflow holds it; null when none does.</summary>
    public static async Task<(SagaWorkflow Workflow, WorkflowSaga Saga)?> FindInAnyAsync(DbContext db,
        IEnumerable<SagaWorkflow> workflows, Guid sagaId, CancellationToken ct)
    {
        foreach (var workflow in workflows)
            if (await For(workflow).FindAsync(db, sagaId, ct) is { } saga)
                return (workflow, saga);
        return null;
    }

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

        public async Task<List<SagaRow>> PageAsync(DbContext db, SagaPageFilter filter, int take,
            CancellationToken ct)
        {
            var sagas = db.Set<TSaga>().AsNoTracking();
            if (filter.State is { } state)
                sagas = sagas.Where(s => s.CurrentState == state);
            if (filter.InStates is { } inStates)
                sagas = sagas.Where(s => inStates.Contains(s.CurrentState));
            if (filter.NotInStates is { } notInStates)
                sagas = sagas.Where(s => !notInStates.Contains(s.CurrentState));
            if (filter.UpdatedBefore is { } updatedBefore)
                sagas = sagas.Where(s => s.UpdatedAt < updatedBefore);
            if (filter.CreatedFrom is { } from)
                sagas = sagas.Where(s => s.CreatedAt >= from);
            if (filter.CreatedTo is { } to)
                sagas = sagas.Where(s => s.CreatedAt < to);
            if (filter.After is { } after)
                // A row-value comparison, (created_at, correlation_id) > (@at, @id), which the index range-scans.
                sagas = sagas.Where(s => EF.Functions.GreaterThan(ValueTuple.Create(s.CreatedAt, s.CorrelationId),
                    ValueTuple.Create(after.At, after.Id)));
            return await sagas.OrderBy(s => s.CreatedAt).ThenBy(s => s.CorrelationId)
                .Take(take)
                .Select(s => new SagaRow(s.CorrelationId, s.CurrentState, s.Outcome, s.CreatedAt, s.UpdatedAt))
                .ToListAsync(ct);
        }

        public async Task<(Dictionary<string, int> ByState, bool Estimated)> CountByStateAsync(DbContext db,
            CancellationToken ct)
        {
            var sagas = db.Set<TSaga>().AsNoTracking();
            // Reads at most CountedSagas + 1 keys of the primary key, however large the table.
            var counted = await sagas.OrderBy(s => s.CorrelationId).Take(CountedSagas + 1).CountAsync(ct);
            if (counted <= CountedSagas)
                return (await sagas.GroupBy(s => s.CurrentState)
                    .Select(g => new { State = g.Key, Count = g.Count() })
                    .ToDictionaryAsync(g => g.State, g => g.Count, StringComparer.Ordinal, ct), false);
            return (await EstimateByStateAsync(db, ct), true);
        }

        // The state column's most common values and their frequencies (pg_stats, kept by autovacuum's analyze) times
        // the table's estimated rows: no row of the table is read.
        static async Task<Dictionary<string, int>> EstimateByStateAsync(DbContext db, CancellationToken ct)
        {
            var entity = db.Model.FindEntityType(typeof(TSaga))!;
            var table = entity.GetTableName()!;
            var column = entity.FindProperty(nameof(WorkflowSaga.CurrentState))!
                .GetColumnName(StoreObjectIdentifier.Table(table, entity.GetSchema()))!;
            var statistics = await db.Database.SqlQueryRaw<StateStatistics>("""
                SELECT s.most_common_vals::text::text[] AS "States", s.most_common_freqs AS "Frequencies",
                       c.reltuples::bigint AS "Rows"
                FROM pg_stats AS s JOIN pg_class AS c ON c.oid = to_regclass(quote_ident(s.schemaname) || '.' || quote_ident(s.tablename))
                WHERE s.schemaname = coalesce(nullif({0}, ''), current_schema()) AND s.tablename = {1} AND s.attname = {2}
                """, entity.GetSchema() ?? "", table, column).ToListAsync(ct);
            var byState = new Dictionary<string, int>(StringComparer.Ordinal);
            if (statistics is [{ States: { } states, Frequencies: { } frequencies } stats])
                for (var i = 0; i < states.Length && i < frequencies.Length; i++)
                    byState[states[i]] = (int)Math.Round(frequencies[i] * stats.Rows);
            return byState;
        }

        public string EndpointName(IEndpointNameFormatter formatter) => formatter.Saga<TSaga>();
    }
}

/// <summary>One saga as the list shows it: no steps or history.</summary>
public sealed record SagaRow(Guid SagaId, string State, string? Outcome, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What <see cref="IWorkflowSagaQueries.PageAsync"/> selects; null members select everything.</summary>
public sealed record SagaPageFilter(string? State, IReadOnlyCollection<string>? InStates,
    IReadOnlyCollection<string>? NotInStates, DateTimeOffset? UpdatedBefore, DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo, PageCursor? After);

/// <summary>A state column's statistics as PostgreSQL keeps them (pg_stats), with the table's estimated rows.</summary>
public sealed record StateStatistics(string[]? States, float[]? Frequencies, long Rows);
