using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Transactions.Outbox.Inbox;

/// <summary>
/// Every <see cref="PostgresOutboxOptions.CleanupInterval"/>, removes inbox records older than
/// <see cref="PostgresOutboxOptions.InboxRetention"/>, in batches, so the table stays the size of the retention window.
/// </summary>
sealed class InboxCleanupService<TDbContext>(IServiceProvider services, IOptions<PostgresOutboxOptions> options,
    TimeProvider time, ILogger<InboxCleanupService<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    const int BatchSize = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.CleanupInterval, time, stoppingToken);
                var removed = await RemoveExpiredAsync(time.GetUtcNow().UtcDateTime - settings.InboxRetention, stoppingToken);
                if (removed > 0)
                    logger.LogInformation("Removed {Count} inbox records older than {Retention}", removed, settings.InboxRetention);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The next interval tries again; a missed clean-up only lets the table grow a little longer.
                logger.LogWarning("Inbox clean-up failed, retrying in {Interval}: {Error}", settings.CleanupInterval, e.Message);
            }
        }
    }

    async Task<int> RemoveExpiredAsync(DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
        var total = 0;
        int removed;
        do
        {
            removed = await InboxRecord.DeleteExpiredAsync(db, cutoff, BatchSize, cancellationToken);
            total += removed;
        } while (removed == BatchSize);
        return total;
    }
}
