using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;
using Transactions.Coordinator.Persistence;

namespace Transactions.Coordinator.Reconciliation;

/// <summary>
/// The scheduled run. Every coordinator instance fires it each period; only the one that moves the shared tick row
/// forward runs it, so a tick runs once across instances without a clustered job store.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ReconciliationJob(ReconciliationRunner runner, IServiceScopeFactory scopes,
    IOptions<ReconciliationOptions> options, TimeProvider clock, ILogger<ReconciliationJob> logger) : IJob
{
    public static readonly JobKey Key = new("reconciliation");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var tick = clock.GetUtcNow().ToUnixTimeMilliseconds() / (long)options.Value.Period.TotalMilliseconds;
        if (!await ClaimAsync(tick, cancellationToken))
        {
            logger.LogDebug("Reconciliation tick {Tick} already claimed by another instance", tick);
            return;
        }
        await runner.RunAsync(new ReconciliationRequest("schedule", DryRun: false, RequeueErrorQueues: false, tick),
            cancellationToken);
    }

    async Task<bool> ClaimAsync(long tick, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        var claimed = await db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE reconciliation_tick SET last_tick = {tick} WHERE id = 1 AND last_tick < {tick}", cancellationToken);
        return claimed == 1;
    }
}
