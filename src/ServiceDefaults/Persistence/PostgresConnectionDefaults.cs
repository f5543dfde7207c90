using Npgsql;

namespace Transactions.ServiceDefaults.Persistence;

/// <summary>
/// Connection settings every service gets unless its connection string says otherwise. A service runs the same few
/// dozen statements all day (inbox claim, saga load and update, outbox insert, delivery rounds), and without
/// preparing them PostgreSQL parses and plans each one again on every execution: on a 2-core machine that was a
/// fifth or more of a transfer's cost. Npgsql keeps prepared statements across pooled opens and closes.
/// A connection going back to the pool is not reset either (Npgsql would send seven statements, ahead of the next
/// query, every time a scope closes its connection: 18 per transfer): the services leave no session state behind.
/// They take advisory locks per transaction only, set no session settings, make no temporary tables, and LISTEN on
/// a connection of its own outside the pool. A service that does keep session state sets <c>No Reset On Close=false</c>.
/// </summary>
public static class PostgresConnectionDefaults
{
    /// <summary>Statements Npgsql prepares per connection once they ran <see cref="AutoPrepareMinUsages"/> times.</summary>
    public const int MaxAutoPrepare = 64;

    public const int AutoPrepareMinUsages = 2;

    /// <summary><paramref name="connectionString"/> with the defaults above where it sets none of its own.</summary>
    public static string Apply(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets(connectionString, "Max Auto Prepare", "MaxAutoPrepare"))
            builder.MaxAutoPrepare = MaxAutoPrepare;
        if (!Sets(connectionString, "Auto Prepare Min Usages", "AutoPrepareMinUsages"))
            builder.AutoPrepareMinUsages = AutoPrepareMinUsages;
        if (!Sets(connectionString, "No Reset On Close", "NoResetOnClose"))
            builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    static bool Sets(string connectionString, params string[] keys)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(given.ContainsKey);
    }
}
