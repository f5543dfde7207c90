using MassTransit;
using Transactions.Contracts.BankTransfers;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.Coordinator.BankTransfers;

/// <summary>
/// What each message to the transfer saga must carry before the saga repository looks for its transfer: the transfer
/// id, and in the bank's answers the branch id (a version 7 UUID) and, in a refusal, its reason. A message without it
/// can never be handled (no transfer to find, or a transfer moved on an answer it cannot check or explain), so it goes
/// to <c>bank-transfer-state_error</c> at once, its fault naming the message and the field. A start that breaks the
/// transfer rules (<see cref="BankTransferRules"/>) is not malformed: its saga is cancelled with the rule as outcome.
/// </summary>
static class BankTransferMessageRules
{
    public static void Apply(IReceiveEndpointConfigurator endpoint)
    {
        endpoint.UseMessageRule<StartBankTransfer>(m =>
            MessageFields.RequireId(nameof(StartBankTransfer), "transferId", m.TransferId));
        endpoint.UseMessageRule<DebitTried>(m => Answer(nameof(DebitTried), m.TransferId, m.BranchId));
        endpoint.UseMessageRule<CreditTried>(m => Answer(nameof(CreditTried), m.TransferId, m.BranchId));
        endpoint.UseMessageRule<DebitConfirmed>(m => Answer(nameof(DebitConfirmed), m.TransferId, m.BranchId));
        endpoint.UseMessageRule<CreditConfirmed>(m => Answer(nameof(CreditConfirmed), m.TransferId, m.BranchId));
        endpoint.UseMessageRule<DebitCancelled>(m => Answer(nameof(DebitCancelled), m.TransferId, m.BranchId));
        endpoint.UseMessageRule<CreditCancelled>(m => Answer(nameof(CreditCancelled), m.TransferId, m.BranchId));
        endpoint.UseMessageRule<DebitRefused>(m => Refusal(nameof(DebitRefused), m.TransferId, m.BranchId, m.Reason));
        endpoint.UseMessageRule<CreditRefused>(m => Refusal(nameof(CreditRefused), m.TransferId, m.BranchId, m.Reason));
        endpoint.UseMessageRule<DebitConfirmRefused>(m =>
            Refusal(nameof(DebitConfirmRefused), m.TransferId, m.BranchId, m.Reason));
        endpoint.UseMessageRule<CreditConfirmRefused>(m =>
            Refusal(nameof(CreditConfirmRefused), m.TransferId, m.BranchId, m.Reason));
        endpoint.UseMessageRule<DebitCancelRefused>(m =>
            Refusal(nameof(DebitCancelRefused), m.TransferId, m.BranchId, m.Reason));
        endpoint.UseMessageRule<CreditCancelRefused>(m =>
            Refusal(nameof(CreditCancelRefused), m.TransferId, m.BranchId, m.Reason));
    }

    static void Answer(string messageType, Guid transferId, Guid branchId)
    {
        MessageFields.RequireId(messageType, "transferId", transferId);
        MessageFields.RequireBranchId(messageType, "branchId", branchId);
    }

    static void Refusal(string messageType, Guid transferId, Guid branchId, string? reason)
    {
        Answer(messageType, transferId, branchId);
        MessageFields.RequireText(messageType, "reason", reason);
    }
}
