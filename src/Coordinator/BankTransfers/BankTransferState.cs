using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.BankTransfers;

/// <summary>
/// One transfer's orchestration state: what to move, the two TCC branches, and (in <see cref="WorkflowSaga.Steps"/>)
/// how far each branch got. Balances live in the bank, not here.
/// </summary>
public sealed class BankTransferState : WorkflowSaga
{
    public const string Debit = "debit";
    public const string Credit = "credit";
    public const string TryPhase = "try";
    public const string ConfirmPhase = "confirm";
    public const string CancelPhase = "cancel";

    public string FromAccount { get; set; } = "";
    public string ToAccount { get; set; } = "";
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
    public Guid DebitBranchId { get; set; }
    public Guid CreditBranchId { get; set; }

    /// <summary>True when both branches answered their Try with success.</summary>
    public bool BothSucceeded(string phase) =>
        Step(Debit, phase).Status == SagaStepStatus.Succeeded && Step(Credit, phase).Status == SagaStepStatus.Succeeded;
}

sealed class BankTransferStateMapping : WorkflowSagaMapping<BankTransferState>
{
    protected override void ConfigureWorkflow(EntityTypeBuilder<BankTransferState> e)
    {
        e.ToTable("bank_transfers");
        e.Property(s => s.FromAccount).HasMaxLength(64);
        e.Property(s => s.ToAccount).HasMaxLength(64);
        e.Property(s => s.Amount).HasPrecision(18, 2);
        e.Property(s => s.Currency).HasMaxLength(3).IsFixedLength();
    }
}
