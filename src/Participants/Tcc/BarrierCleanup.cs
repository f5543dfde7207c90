using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Transactions.Outbox.Barrier;

namespace Transactions.Participants.Tcc;

/// <summary>
/// Removes barrier rows of branches issued more than <see cref="TccParticipantSettings{TContext}.BarrierRetention"/>
/// ago, every <see cref="TccParticipantSettings{TContext}.CleanupInterval"/>. The barrier keeps refusing their late
/// Trys and ignoring their late Confirms and Cancels through its horizon, so the table stays as small as the retention
/// without letting an old message take effect.
/// </summary>
public sealed class BarrierCleanup<TContext>(IServiceScopeFactory scopes, TccParticipantSettings<TContext> settings,
    TimeProvider time, ILogger<BarrierCleanup<TContext>> logger) : BackgroundService
    where TContext : DbContext
{
    /// <summary>Cleans up at once and then every interval until the host stops.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.CleanupInterval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                var deleted = await TccBarrier.PurgeAsync(db, time.GetUtcNow() - settings.BarrierRetention,
                    stoppingToken);
                logger.LogInformation("Removed {Rows} barrier rows of branches older than {Retention}", deleted,
                    settings.BarrierRetention);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The next round tries again; a missed clean-up only leaves the table larger for an interval.
                logger.LogWarning(e, "Barrier clean-up failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
