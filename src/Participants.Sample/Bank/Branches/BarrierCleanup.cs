using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Persistence;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>
/// Removes barrier rows of branches issued more than <see cref="Retention"/> ago, once an hour. The barrier keeps
/// refusing their late Trys and ignoring their late Confirms and Cancels through its horizon, so the table stays as
/// small as a week of transfers without letting an old message take effect.
/// </summary>
public sealed class BarrierCleanup(IServiceScopeFactory scopes, TimeProvider time, ILogger<BarrierCleanup> logger)
    : BackgroundService
{
    /// <summary>Longer than a coordinator keeps resending a Confirm or Cancel, and than the inbox remembers messages.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BankDbContext>();
                var deleted = await TccBarrier.PurgeAsync(db, time.GetUtcNow() - Retention, stoppingToken);
                logger.LogInformation("Removed {Rows} barrier rows of branches older than {Retention}", deleted, Retention);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The next round tries again; a missed clean-up only leaves the table larger for an hour.
                logger.LogWarning(e, "Barrier clean-up failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
