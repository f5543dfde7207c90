using MassTransit;
using Transactions.Contracts.BankTransfers;
using Transactions.Participants.Tcc;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>The debit branch of transfers (endpoint <c>bank-debit</c>). Replies go through the outbox.</summary>
public sealed class DebitConsumer(BankBranches branches)
    : TccBranchConsumer<TryDebit, ConfirmDebit, CancelDebit>(Messages),
        IConsumer<TryDebit>, IConsumer<ConfirmDebit>, IConsumer<CancelDebit>
{
    static readonly TccBranchMessages<TryDebit, ConfirmDebit, CancelDebit> Messages = new()
    {
        TransactionIdField = "transferId",
        TryKey = m => new(m.TransferId, m.BranchId),
        ConfirmKey = m => new(m.TransferId, m.BranchId),
        CancelKey = m => new(m.TransferId, m.BranchId),
        Tried = b => new DebitTried(b.TransactionId, b.BranchId),
        Refused = (b, reason) => new DebitRefused(b.TransactionId, b.BranchId, reason),
        Confirmed = b => new DebitConfirmed(b.TransactionId, b.BranchId),
        ConfirmRefused = (b, reason) => new DebitConfirmRefused(b.TransactionId, b.BranchId, reason),
        Cancelled = b => new DebitCancelled(b.TransactionId, b.BranchId),
        CancelRefused = (b, reason) => new DebitCancelRefused(b.TransactionId, b.BranchId, reason),
    };

    public Task Consume(ConsumeContext<TryDebit> context) => ConsumeTry(context);
    public Task Consume(ConsumeContext<ConfirmDebit> context) => ConsumeConfirm(context);
    public Task Consume(ConsumeContext<CancelDebit> context) => ConsumeCancel(context);

    protected override void CheckTry(TryDebit message) =>
        BankBranches.CheckTry(nameof(TryDebit), message.AccountId, message.Currency);

    protected override Task<TryAnswer> TryAsync(TryDebit message, TccBranchKey branch, CancellationToken ct) =>
        branches.TryAsync(branch.TransactionId, branch.BranchId, HoldSide.Debit, message.AccountId, message.Amount, message.Currency, ct);

    protected override Task<SettleAnswer> ConfirmAsync(TccBranchKey branch, CancellationToken ct) =>
        branches.ConfirmAsync(branch.TransactionId, branch.BranchId, ct);

    protected override Task<SettleAnswer> CancelAsync(TccBranchKey branch, CancellationToken ct) =>
        branches.CancelAsync(branch.TransactionId, branch.BranchId, ct);
}
