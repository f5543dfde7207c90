using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Sagas;
using Transactions.Outbox.Delivery;
using Transactions.ServiceDefaults.Telemetry;

namespace Transactions.Coordinator.Telemetry;

/// <summary>
/// Reads the gauges' values from the database every <see cref="TelemetryOptions.GaugeIntervalSeconds"/>, rather than
/// on each scrape, so scrapes cost nothing and the database sees one small query per table per interval. Tables come
/// from the model: each registered workflow's saga table, and the outbox table when the coordinator maps one.
/// </summary>
sealed class SagaGaugeSampler(IServiceScopeFactory scopes, IEnumerable<SagaWorkflow> workflows, SagaMetrics metrics,
    TelemetryOptions options, TimeProvider time, ILogger<SagaGaugeSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.GaugeIntervalSeconds), time);
        do
        {
            try
            {
                metrics.Update(await ReadAsync(stoppingToken));
            }
            catch (Exception e) when (e is DbException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // A stale value would look healthy; no value makes the gap visible.
                metrics.Update(SagaGaugeReading.None);
                logger.LogWarning(e, "Saga and outbox gauges not read: {Error}", e.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    async Task<SagaGaugeReading> ReadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        var now = time.GetUtcNow();
        var active = new List<(string, string, long)>();
        var oldest = new Dictionary<string, TimeSpan>();
        foreach (var workflow in workflows)
        {
            if (db.Model.FindEntityType(workflow.StateType) is not { } entity)
                continue;
            // Only non-terminal states: terminal rows grow without bound, and their totals are the counters' job.
            // "NOT state = ANY(@terminal)" cannot use the state index and read every finished saga (100 ms at a
            // million). Instead: the states present, found by walking the state index (one probe per distinct state),
            // then each non-terminal state's count and oldest through that index, so the rows read are the
            // non-terminal ones. Identifiers come from the EF model, never from input; the states are parameters.
            var state = Column(entity, nameof(WorkflowSaga.CurrentState));
            var table = Table(entity);
            var distinct = $"WITH RECURSIVE present AS (SELECT min({state}) AS state FROM {table} UNION ALL " +
                           $"SELECT (SELECT min({state}) FROM {table} WHERE {state} > present.state) FROM present " +
                           "WHERE present.state IS NOT NULL) SELECT state AS \"Value\" FROM present WHERE state IS NOT NULL";
            var inState = $"SELECT {state} AS state, count(*) AS count, " +
                          $"min({Column(entity, nameof(WorkflowSaga.CreatedAt))}) AS oldest FROM {table} " +
                          $"WHERE {state} = @state GROUP BY {state}";
            var rows = new List<StateRow>();
            foreach (var present in await db.Database.SqlQueryRaw<string>(distinct).ToListAsync(cancellationToken))
                if (!workflow.TerminalStates.Contains(present))
                    rows.AddRange(await db.Database.SqlQueryRaw<StateRow>(inState, new NpgsqlParameter<string>("state", present))
                        .ToListAsync(cancellationToken));
            active.AddRange(rows.Select(r => (workflow.Name, r.State, r.Count)));
            oldest[workflow.Name] = rows.Count == 0 ? TimeSpan.Zero : now - rows.Min(r => r.Oldest);
        }
        return new SagaGaugeReading(active, oldest, await ReadOutboxAsync(scope.ServiceProvider, now, cancellationToken));
    }

    // The same bounded read as GET /api/outbox: a count up to OutboxBacklog.CountedRows, an estimate beyond.
    static async Task<(long, TimeSpan)?> ReadOutboxAsync(IServiceProvider services, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (services.GetService<OutboxBacklog<CoordinatorDbContext>>() is not { } outbox)
            return null;
        var backlog = await outbox.GetAsync(cancellationToken);
        var age = backlog.OldestSentTime is { } sent
            ? now - new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc))
            : TimeSpan.Zero;
        return (backlog.Count, age < TimeSpan.Zero ? TimeSpan.Zero : age);
    }

    static string Table(IEntityType entity) =>
        entity.GetSchema() is { } schema ? $"\"{schema}\".\"{entity.GetTableName()}\"" : $"\"{entity.GetTableName()}\"";

    static string Column(IEntityType entity, string property) =>
        $"\"{entity.FindProperty(property)!.GetColumnName(StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema()))}\"";

    sealed record StateRow(string State, long Count, DateTimeOffset Oldest);
}
