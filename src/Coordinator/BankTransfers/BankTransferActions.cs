using static Transactions.Coordinator.SagaActions.SagaActionNames;

namespace Transactions.Coordinator.BankTransfers;

/// <summary>What a manual action does to a transfer in its current state, as dry runs and the audit log say it.</summary>
static class BankTransferActions
{
    public static string Describe(BankTransferState transfer, string action) => (action, transfer.CurrentState) switch
    {
        (Retry, nameof(BankTransferStateMachine.Trying)) =>
            "Send the Try commands not yet answered again and wait a full Try timeout for them; the bank's barrier " +
            "makes a repeated Try harmless.",
        (Retry, nameof(BankTransferStateMachine.Confirming)) =>
            "Send the Confirm commands not yet answered again now, instead of at the next scheduled resend.",
        (Retry, nameof(BankTransferStateMachine.Cancelling)) =>
            "Send the Cancel commands not yet answered again now, instead of at the next scheduled resend.",
        (Compensate, nameof(BankTransferStateMachine.Trying)) =>
            $"Cancel the transfer: send Cancel to both branches, releasing {transfer.Amount} {transfer.Currency} " +
            $"frozen on {transfer.FromAccount} and dropping the pending credit on {transfer.ToAccount}. A branch " +
            "not tried yet records the cancel and refuses its Try if it comes later.",
        (Resolve, nameof(BankTransferStateMachine.NeedsAttention)) =>
            $"Mark the transfer Resolved: the bank refused a settlement ({transfer.Outcome}). Settle the branches by " +
            "hand first; the coordinator sends nothing more.",
        _ => $"{action} in {transfer.CurrentState}.",
    };
}
