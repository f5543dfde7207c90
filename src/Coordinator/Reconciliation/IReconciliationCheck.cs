namespace Transactions.Coordinator.Reconciliation;

/// <summary>
/// One thing a reconciliation run looks at (stale outbox rows, overdue sagas, error queues, ...). A check reports
/// what it examined and found through the <see cref="ReconciliationContext"/>, and repairs only when
/// <see cref="ReconciliationContext.DryRun"/> is false. A check that throws is recorded; the others still run.
/// </summary>
public interface IReconciliationCheck
{
    string Name { get; }

    Task RunAsync(ReconciliationContext context, CancellationToken cancellationToken);
}
