using Microsoft.Extensions.Logging;
using Npgsql;

namespace Transactions.Outbox.Delivery;

/// <summary>
/// Holds one dedicated connection in <c>LISTEN</c> on the outbox channel and turns every notification into a
/// <see cref="DeliverySignal"/>, so delivery starts milliseconds after a commit without polling hot. Reconnects with
/// capped backoff; while it is disconnected the delivery service's polling fallback keeps messages moving.
/// Notifications carrying <paramref name="ownInstanceId"/> came from this process, whose commits woke it already.
/// <paramref name="notified"/> runs for every other one (it may wake delivery again once the rows are older than the
/// grace period of dispatch after commit).
/// </summary>
sealed class OutboxNotificationListener(string connectionString, PostgresOutboxOptions options, DeliverySignal signal,
    string ownInstanceId, Action notified, TimeProvider time, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 15, Pooling = false };
        var delay = options.RetryBaseDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Payload == ownInstanceId)
                        return;
                    signal.Set();
                    notified();
                };
                await using (var listen = new NpgsqlCommand("LISTEN " + options.NotificationChannel, connection))
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                // Whatever was committed while nobody listened is picked up now.
                signal.Set();
                delay = options.RetryBaseDelay;
                while (true)
                    await connection.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Outbox notification listener lost its connection, reconnecting in {Delay}: {Error}",
                    delay, e.Message);
                await Task.Delay(delay, time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.RetryMaxDelay.Ticks));
            }
        }
    }
}
