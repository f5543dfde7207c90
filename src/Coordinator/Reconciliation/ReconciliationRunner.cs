using Microsoft.EntityFrameworkCore;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Telemetry;

namespace Transactions.Coordinator.Reconciliation;

/// <summary>
/// Runs every check once and stores the report: the row is written as Running before the checks start, so a run
/// whose process dies is visible (and marked Abandoned by a later run), and completed with all it found and did.
/// </summary>
public sealed class ReconciliationRunner(IServiceScopeFactory scopes, IEnumerable<IReconciliationCheck> checks,
    TimeProvider clock, SagaMetrics metrics, ILogger<ReconciliationRunner> logger)
{
    /// <summary>Abandoned: still Running after this long, so its process is gone.</summary>
    static readonly TimeSpan RunLifetime = TimeSpan.FromHours(1);

    /// <summary>Stores a new Running report and returns it; <see cref="CompleteAsync"/> does the work.</summary>
    public async Task<ReconciliationRun> BeginAsync(ReconciliationRequest request, CancellationToken cancellationToken)
    {
        var run = new ReconciliationRun
        {
            Id = Guid.NewGuid(), Trigger = request.Trigger, Tick = request.Tick, DryRun = request.DryRun,
            StartedAt = clock.GetUtcNow(),
        };
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        db.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run;
    }

    public async Task<ReconciliationRun> CompleteAsync(ReconciliationRun run, ReconciliationRequest request,
        CancellationToken cancellationToken)
    {
        using var _ = logger.BeginScope(new Dictionary<string, object> { ["ReconciliationRunId"] = run.Id });
        var context = new ReconciliationContext(run, run.StartedAt, request);
        foreach (var check in checks)
        {
            try
            {
                await check.RunAsync(context, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogError(e, "Reconciliation check {Check} failed", check.Name);
                run.Errors.Add($"{check.Name}: {e.GetType().Name}: {e.Message}");
            }
        }
        run.Status = RunStatus.Completed;
        run.FinishedAt = clock.GetUtcNow();

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        db.Update(run);
        await db.Set<ReconciliationRun>()
            .Where(r => r.Status == RunStatus.Running && r.StartedAt < run.StartedAt - RunLifetime)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Abandoned), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Reconciliation run {RunId} found {Findings} and did {Actions} ({Errors} errors)",
            run.Id, run.Findings.Count, run.Actions.Count, run.Errors.Count);
        run.Findings.ForEach(f => metrics.ReconciliationFinding(f.Check, f.Kind));
        return run;
    }

    public async Task<ReconciliationRun> RunAsync(ReconciliationRequest request, CancellationToken cancellationToken) =>
        await CompleteAsync(await BeginAsync(request, cancellationToken), request, cancellationToken);
}
