using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Sagas;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>
/// The indexes <c>MapTrackedSaga</c> creates serve the query side: on a table of many sagas PostgreSQL reads the rows
/// in the order asked for from the index, with no sort, and stops after <c>limit</c> rows.
/// </summary>
public sealed class SagaQueryPlanTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    /// <summary>Keeps the SQL and parameters of every query a context runs.</summary>
    sealed class SqlRecorder : DbCommandInterceptor
    {
        public List<(string Sql, NpgsqlParameter[] Parameters)> Queries { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
            CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            lock (Queries)
                Queries.Add((command.CommandText, command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone()).ToArray()));
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [Fact]
    public async Task In_state_and_no_progress_since_read_their_index_in_order_without_sorting()
    {
        var database = await CounterSagaHost.CreateDatabaseAsync(services, "plans");
        await SeedManySagasAsync(database, 20_000);
        var recorder = new SqlRecorder();
        await using var host = await CounterSagaHost.StartAsync(services, database,
            configureServices: s => s.AddSingleton<IInterceptor>(recorder));
        await using var scope = host.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<ISagaQueries<CounterState>>();

        await queries.InStateAsync("Counting", 10);
        var inState = await ExplainAsync(database, recorder.Queries.Last());
        await queries.NoProgressSinceAsync(DateTimeOffset.UtcNow.AddDays(-1), ["State1", "State2"], 10);
        var noProgress = await ExplainAsync(database, recorder.Queries.Last());

        Assert.Contains("ix_counter_state_current_state_updated_at_correlation_id", inState);
        Assert.DoesNotContain("Sort", inState);
        Assert.Contains("ix_counter_state_updated_at_correlation_id", noProgress);
        Assert.DoesNotContain("Sort", noProgress);
    }

    /// <summary>Sagas spread over ten states and a month of updates, with fresh planner statistics.</summary>
    static async Task SeedManySagasAsync(string database, int count)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var seed = new NpgsqlCommand("""
            INSERT INTO counter_state (correlation_id, current_state, version, created_at, updated_at, starts, count,
                                       applied_on_retry)
            SELECT gen_random_uuid(), CASE WHEN i % 10 = 0 THEN 'Counting' ELSE 'State' || (i % 10) END, 1,
                   now() - interval '31 days', now() - (i % 43200) * interval '1 minute', 1, 0, 0
            FROM generate_series(1, @count) AS i;
            ANALYZE counter_state;
            """, connection);
        seed.Parameters.AddWithValue("count", count);
        await seed.ExecuteNonQueryAsync();
    }

    /// <summary>The plan PostgreSQL chooses for a recorded query, with its recorded parameters.</summary>
    static Task<string> ExplainAsync(string database, (string Sql, NpgsqlParameter[] Parameters) query) =>
        QueryPlan.ExplainAsync(database, query.Sql, query.Parameters);
}
