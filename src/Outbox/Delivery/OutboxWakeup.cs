using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Transactions.Outbox.Delivery;

/// <summary>
/// Told when a transaction that wrote outbox rows of <typeparamref name="TDbContext"/> has committed: wakes this
/// process's delivery loops at once, and tells the other instances with a <c>NOTIFY</c> sent after the commit.
/// The NOTIFY is deliberately not part of the business transaction: PostgreSQL serialises the commits of notifying
/// transactions on one lock, which would cap the whole application at one fsync per commit. Here at most one NOTIFY
/// is in flight per process, and commits while it is in flight are covered by it or by the polling fallback.
/// </summary>
sealed class OutboxWakeup<TDbContext>(IServiceProvider services, IOptions<PostgresOutboxOptions> options,
    ILogger<OutboxWakeup<TDbContext>> logger)
    where TDbContext : DbContext
{
    readonly string _notify = "NOTIFY " + options.Value.NotificationChannel;
    string? _connectionString;
    int _notifying;

    /// <summary>Wakes the delivery loops of this process.</summary>
    public DeliverySignal Signal { get; } = new();

    public void Committed()
    {
        Signal.Set();
        if (Interlocked.Exchange(ref _notifying, 1) == 0)
            _ = NotifyOtherInstancesAsync();
    }

    async Task NotifyOtherInstancesAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString ??= ConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(_notify, connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e)
        {
            // Only a wake-up is lost: this process delivers anyway, the others poll.
            logger.LogDebug("Outbox NOTIFY failed: {Error}", e.Message);
        }
        finally
        {
            Volatile.Write(ref _notifying, 0);
        }
    }

    string ConnectionString()
    {
        using var scope = services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<TDbContext>().Database.GetConnectionString()
            ?? throw new InvalidOperationException($"{typeof(TDbContext).Name} has no connection string.");
    }
}
