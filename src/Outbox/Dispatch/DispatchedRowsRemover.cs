using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Dispatch;

/// <summary>
/// Deletes the rows <see cref="OutboxDispatcher{TDbContext}"/> sent, many per statement: the rows sent during
/// <see cref="PostgresOutboxOptions.DispatchedRowsDeleteDelay"/> go in one <c>DELETE</c>, whichever transactions wrote
/// them. A row not deleted (a crash, the database away for longer than the retries) is sent again by the delivery
/// service after the grace period, and the inbox downstream recognises it.
/// </summary>
sealed class DispatchedRowsRemover<TDbContext>(OutboxDispatcher<TDbContext> dispatcher, IServiceProvider services,
    IOptions<PostgresOutboxOptions> options, TimeProvider time, ILogger<DispatchedRowsRemover<TDbContext>> logger)
    : BackgroundService
    where TDbContext : DbContext
{
    const int MaxRowsPerStatement = 5_000;
    const int Attempts = 5;
    const string Delete = "DELETE FROM " + OutboxMessageMapping.Table + " WHERE sequence_number = ANY(@rows)";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!dispatcher.Enabled)
            return;
        string connectionString;
        await using (var scope = services.CreateAsyncScope())
            connectionString = scope.ServiceProvider.GetRequiredService<TDbContext>().Database.GetConnectionString()
                ?? throw new InvalidOperationException($"{typeof(TDbContext).Name} has no connection string.");

        var rows = new List<long>();
        try
        {
            while (await dispatcher.Sent.WaitToReadAsync(stoppingToken))
            {
                if (options.Value.DispatchedRowsDeleteDelay > TimeSpan.Zero)
                    await Task.Delay(options.Value.DispatchedRowsDeleteDelay, time, stoppingToken);
                while (rows.Count < MaxRowsPerStatement && dispatcher.Sent.TryRead(out var row))
                    rows.Add(row);
                await DeleteAsync(connectionString, rows, Attempts, stoppingToken);
                rows.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: one last attempt for what was sent, so that a clean stop leaves nothing to send again.
            while (rows.Count < MaxRowsPerStatement && dispatcher.Sent.TryRead(out var row))
                rows.Add(row);
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await DeleteAsync(connectionString, rows, 1, shutdown.Token);
            }
            catch (OperationCanceledException)
            {
                logger.LogInformation("{Rows} sent outbox rows were not deleted before the stop; they will be sent again",
                    rows.Count);
            }
        }
    }

    async Task DeleteAsync(string connectionString, List<long> rows, int attempts, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
            return;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand(Delete, connection);
                command.Parameters.AddWithValue("rows", rows.ToArray());
                await command.ExecuteNonQueryAsync(cancellationToken);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < attempts)
            {
                var delay = TimeSpan.FromMilliseconds(100 * Math.Pow(4, attempt - 1));
                logger.LogWarning("Deleting {Rows} sent outbox rows failed (attempt {Attempt} of {Attempts}), " +
                    "retrying in {Delay}: {Error}", rows.Count, attempt, attempts, delay, e.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Deleting {Rows} sent outbox rows failed; the delivery service will send them again " +
                    "and the inbox downstream will recognise them: {Error}", rows.Count, e.Message);
                break;
            }
        }
        dispatcher.Deleted(rows);
    }
}
