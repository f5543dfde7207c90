using MassTransit;
using Transactions.Contracts.BankTransfers;
using Transactions.Participants.Tcc;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>The credit branch of transfers (endpoint <c>bank-credit</c>). Replies go through the outbox.</summary>
public sealed class CreditConsumer(BankBranches branches)
    : TccBranchConsumer<TryCredit, ConfirmCredit, CancelCredit>(Messages),
        IConsumer<TryCredit>, IConsumer<ConfirmCredit>, IConsumer<CancelCredit>
{
    static readonly TccBranchMessages<TryCredit, ConfirmCredit, CancelCredit> Messages = new()
    {
        TransactionIdField = "transferId",
        TryKey = m => new(m.TransferId, m.BranchId),
        ConfirmKey = m => new(m.TransferId, m.BranchId),
        CancelKey = m => new(m.TransferId, m.BranchId),
        Tried = b => new CreditTried(b.TransactionId, b.BranchId),
        Refused = (b, reason) => new CreditRefused(b.TransactionId, b.BranchId, reason),
        Confirmed = b => new CreditConfirmed(b.TransactionId, b.BranchId),
        ConfirmRefused = (b, reason) => new CreditConfirmRefused(b.TransactionId, b.BranchId, reason),
        Cancelled = b => new CreditCancelled(b.TransactionId, b.BranchId),
        CancelRefused = (b, reason) => new CreditCancelRefused(b.TransactionId, b.BranchId, reason),
    };

    public Task Consume(ConsumeContext<TryCredit> context) => ConsumeTry(context);
    public Task Consume(ConsumeContext<ConfirmCredit> context) => ConsumeConfirm(context);
    public Task Consume(ConsumeContext<CancelCredit> context) => ConsumeCancel(context);

    protected override void CheckTry(TryCredit message) =>
        BankBranches.CheckTry(nameof(TryCredit), message.AccountId, message.Currency);

    protected override Task<TryAnswer> TryAsync(TryCredit message, TccBranchKey branch, CancellationToken ct) =>
        branches.TryAsync(branch.TransactionId, branch.BranchId, HoldSide.Credit, message.AccountId, message.Amount, message.Currency, ct);

    protected override Task<SettleAnswer> ConfirmAsync(TccBranchKey branch, CancellationToken ct) =>
        branches.ConfirmAsync(branch.TransactionId, branch.BranchId, ct);

    protected override Task<SettleAnswer> CancelAsync(TccBranchKey branch, CancellationToken ct) =>
        branches.CancelAsync(branch.TransactionId, branch.BranchId, ct);
}
