using System.Globalization;
using Npgsql;

namespace Transactions.Bench;

/// <summary>
/// What the services asked of PostgreSQL in some databases: statements (from <c>pg_stat_statements</c>, which
/// <c>scripts/services.sh</c> loads) and committed transactions (from <c>pg_stat_database</c>). The bench's own
/// queries start with <see cref="Marker"/> and are left out of the statements; its own commits are given back by the
/// caller, who counts them.
/// </summary>
sealed class SqlCounters
{
    /// <summary>Starts every query the bench itself runs against the services' databases.</summary>
    public const string Marker = "/* bench */ ";

    public long Statements { get; private init; }
    public long Commits { get; private init; }
    public bool StatementsKnown { get; private init; }

    public static async Task<SqlCounters> ReadAsync(string adminConnectionString, params string[] databases)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        // pg_stat_database is only refreshed at the end of each backend's transactions; ask for the current values.
        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", connection))
            await clear.ExecuteNonQueryAsync();
        await using var commits = new NpgsqlCommand(
            "SELECT coalesce(sum(xact_commit), 0)::bigint FROM pg_stat_database WHERE datname = ANY(@names)", connection);
        commits.Parameters.AddWithValue("names", databases);
        var committed = (long)(await commits.ExecuteScalarAsync())!;
        try
        {
            await using (var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection))
                await create.ExecuteNonQueryAsync();
            await using var statements = new NpgsqlCommand(
                "SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid " +
                "WHERE d.datname = ANY(@names) AND s.query NOT LIKE '/* bench */%' " +
                "AND s.query NOT IN ('BEGIN', 'COMMIT', 'ROLLBACK')", connection);
            statements.Parameters.AddWithValue("names", databases);
            return new SqlCounters
            {
                Statements = (long)(await statements.ExecuteScalarAsync())!, Commits = committed, StatementsKnown = true,
            };
        }
        catch (PostgresException e) when (e.SqlState is "55000" or "58P01")
        {
            // Not preloaded (a server not started by scripts/services.sh): commits alone.
            return new SqlCounters { Commits = committed };
        }
    }

    /// <summary>
    /// Empties <c>pg_stat_statements</c>: every run makes new databases, whose entries would otherwise pile up until
    /// the extension evicts entries on every new statement, which slowed later runs of a series by a fifth or more.
    /// </summary>
    public static async Task ResetStatementsAsync(string adminConnectionString)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        try
        {
            await using var reset = new NpgsqlCommand("SELECT pg_stat_statements_reset()", connection);
            await reset.ExecuteNonQueryAsync();
        }
        catch (PostgresException e) when (e.SqlState is "55000" or "42883")
        {
            // Not loaded or not created: nothing to empty.
        }
    }

    /// <summary>Per unit of work since <paramref name="before"/>; <paramref name="ownCommits"/> are the bench's own.</summary>
    public string Since(SqlCounters before, int units, long ownCommits, string unit) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(StatementsKnown ? $"{(Statements - before.Statements) / (double)units:0.0} SQL statements" : "statements unknown (pg_stat_statements not loaded)")} " +
            $"and {(Commits - before.Commits - ownCommits) / (double)units:0.00} commits per {unit} (BEGIN/COMMIT not counted as statements)");
}
