using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Transactions.Bench.Reconcile;

/// <summary>
/// Keeps, while <see cref="Recording"/>, the SQL and parameters of every distinct query the coordinator's context sends
/// to the saga table, so the bench can ask PostgreSQL for the plan of exactly what EF Core generated.
/// </summary>
sealed class SagaQueryRecorder(string table) : DbCommandInterceptor
{
    readonly Dictionary<string, NpgsqlParameter[]> _queries = [];
    long _executionTicks;

    public bool Recording { get; set; }

    /// <summary>Time PostgreSQL took to answer the recorded queries since <see cref="ResetExecutionTime"/>.</summary>
    public TimeSpan ExecutionTime => TimeSpan.FromTicks(Interlocked.Read(ref _executionTicks));

    public void ResetExecutionTime() => Interlocked.Exchange(ref _executionTicks, 0);

    public IReadOnlyList<(string Sql, NpgsqlParameter[] Parameters)> Queries
    {
        get
        {
            lock (_queries)
                return _queries.Select(q => (q.Key, q.Value)).ToList();
        }
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
        CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (Recording && command.CommandText.Contains(table, StringComparison.Ordinal))
            lock (_queries)
                _queries.TryAdd(command.CommandText,
                    command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone()).ToArray());
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData,
        DbDataReader result, CancellationToken cancellationToken = default)
    {
        bool recorded;
        lock (_queries)
            recorded = _queries.ContainsKey(command.CommandText);
        if (recorded)
            Interlocked.Add(ref _executionTicks, eventData.Duration.Ticks);
        return base.ReaderExecutedAsync(command, eventData, result, cancellationToken);
    }

    /// <summary>EXPLAIN (ANALYZE, BUFFERS) of a recorded query, run with its recorded parameters.</summary>
    public static async Task<string> ExplainAsync(string connectionString, (string Sql, NpgsqlParameter[] Parameters) query,
        CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + query.Sql, connection);
        explain.Parameters.AddRange(query.Parameters.Select(p => p.Clone()).ToArray());
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            plan.Add(reader.GetString(0));
        return string.Join('\n', plan);
    }
}
