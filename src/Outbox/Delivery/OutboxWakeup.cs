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
/// transactions on one lock, which would cap the whole application at one fsync per commit. Here one NOTIFY per
/// 20 ms at most is sent per process, covering every commit made since the previous one.
/// </summary>
sealed class OutboxWakeup<TDbContext>(IServiceProvider services, IOptions<PostgresOutboxOptions> options,
    TimeProvider time, ILogger<OutboxWakeup<TDbContext>> logger)
    where TDbContext : DbContext
{
    static readonly TimeSpan NotifySpacing = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Sent as the NOTIFY payload, so this process's listener can ignore its own notifications: the commit has already
    /// woken the local loops, and the echo would only run a round that finds nothing.
    /// </summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    string Notify => field ??= $"NOTIFY {options.Value.NotificationChannel}, '{InstanceId}'";
    string? _connectionString;
    int _notifying;
    int _committed;

    /// <summary>Wakes the delivery loops of this process.</summary>
    public DeliverySignal Signal { get; } = new();

    public void Committed()
    {
        Signal.Set();
        Volatile.Write(ref _committed, 1);
        if (Interlocked.Exchange(ref _notifying, 1) == 0)
            _ = NotifyOtherInstancesAsync();
    }

    /// <summary>Sends NOTIFY while commits keep arriving, at most one per spacing; every commit is covered.</summary>
    async Task NotifyOtherInstancesAsync()
    {
        do
        {
            while (Interlocked.Exchange(ref _committed, 0) == 1)
            {
                await NotifyAsync();
                // Each NOTIFY is a commit with its own WAL flush; the other instances need a prompt wake-up,
                // not one per business commit.
                await Task.Delay(NotifySpacing, time);
            }
            Volatile.Write(ref _notifying, 0);
            // A commit that arrived between the last check and the release above is picked up here.
        } while (Volatile.Read(ref _committed) == 1 && Interlocked.Exchange(ref _notifying, 1) == 0);
    }

    async Task NotifyAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString ??= ConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(Notify, connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e)
        {
            // Only a wake-up is lost: this process delivers anyway, the others poll.
            logger.LogDebug("Outbox NOTIFY failed: {Error}", e.Message);
        }
    }

    string ConnectionString()
    {
        using var scope = services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<TDbContext>().Database.GetConnectionString()
            ?? throw new InvalidOperationException($"{typeof(TDbContext).Name} has no connection string.");
    }
}
