using Microsoft.Extensions.Logging;
using Npgsql;

namespace Transactions.ServiceDefaults.Persistence;

/// <summary>
/// Serialises migrations of one database across processes: instances started together (or <c>migrate</c> run twice)
/// would otherwise each see a migration as pending and both create its tables, and all but one fail with 42P07.
/// The first to take the lock migrates; the others wait, then find nothing pending and go on.
/// </summary>
public static class MigrationLock
{
    /// <summary>
    /// The class id of the session advisory lock held while migrating (two-key form, like the delivery rounds' own
    /// class id, so the two never meet). "migr" in ASCII.
    /// </summary>
    public const int ClassId = 0x6D696772;

    /// <summary>The one object id under <see cref="ClassId"/>: one migration at a time per database.</summary>
    public const int ObjectId = 1;

    /// <summary>How long an instance waits for another one's migration before it gives up.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Runs <paramref name="migrate"/> holding the lock in the database of <paramref name="connectionString"/>, waiting
    /// at most <paramref name="timeout"/> for it; a <see cref="TimeoutException"/> names the database otherwise.
    /// </summary>
    public static async Task RunAsync(string connectionString, TimeSpan timeout, ILogger logger,
        Func<CancellationToken, Task> migrate, CancellationToken cancellationToken)
    {
        // A connection of its own, outside the pool: the lock is held by the session, and a pooled connection is not
        // reset on close (PostgresConnectionDefaults), so it could keep the lock after we are done.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await WaitForLockAsync(connection, builder.Database, timeout, logger, cancellationToken);
        try
        {
            await migrate(cancellationToken);
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@class, @object)", connection);
            unlock.Parameters.AddWithValue("class", ClassId);
            unlock.Parameters.AddWithValue("object", ObjectId);
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    // Polls pg_try_advisory_lock with backoff rather than blocking in pg_advisory_lock, so the wait is bounded by our
    // own deadline whatever the server's lock_timeout is.
    static async Task WaitForLockAsync(NpgsqlConnection connection, string? database, TimeSpan timeout, ILogger logger,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@class, @object)", connection);
        command.Parameters.AddWithValue("class", ClassId);
        command.Parameters.AddWithValue("object", ObjectId);
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(50);
        var logged = false;
        while (!(bool)(await command.ExecuteScalarAsync(cancellationToken))!)
        {
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"Database {database}: another instance has been migrating it for more " +
                    $"than {timeout.TotalSeconds:0} s (advisory lock {ClassId}/{ObjectId}); giving up.");
            if (!logged)
                logger.LogInformation("Database {Database} is being migrated by another instance; waiting", database);
            logged = true;
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }
}
