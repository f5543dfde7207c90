namespace Transactions.Coordinator.Reconciliation;

/// <summary>
/// The one row (id 1) that scheduled runs claim: an instance runs only if it moves <see cref="LastTick"/> forward,
/// so a tick runs once however many coordinator instances fire it. Table <c>reconciliation_tick</c>.
/// </summary>
public sealed class ReconciliationTick
{
    public int Id { get; set; }
    public long LastTick { get; set; }
}
