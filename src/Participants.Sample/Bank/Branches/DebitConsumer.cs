using MassTransit;
using Transactions.Contracts.BankTransfers;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>The debit branch of transfers (endpoint <c>bank-debit</c>). Replies go through the outbox.</summary>
public sealed class DebitConsumer(BankBranches branches) :
    IConsumer<TryDebit>, IConsumer<ConfirmDebit>, IConsumer<CancelDebit>
{
    public async Task Consume(ConsumeContext<TryDebit> context)
    {
        var m = context.Message;
        BranchMessageRules.Check(nameof(TryDebit), m.TransferId, m.BranchId, m.AccountId, m.Currency);
        var answer = await branches.TryAsync(m.TransferId, m.BranchId, HoldSide.Debit, m.AccountId, m.Amount,
            m.Currency, context.CancellationToken);
        await (answer.Result switch
        {
            TryResult.Tried => context.Publish(new DebitTried(m.TransferId, m.BranchId)),
            TryResult.Confirmed => context.Publish(new DebitConfirmed(m.TransferId, m.BranchId)),
            TryResult.Cancelled => context.Publish(new DebitCancelled(m.TransferId, m.BranchId)),
            _ => context.Publish(new DebitRefused(m.TransferId, m.BranchId, answer.Reason!)),
        });
    }

    public async Task Consume(ConsumeContext<ConfirmDebit> context)
    {
        var (transferId, branchId) = (context.Message.TransferId, context.Message.BranchId);
        BranchMessageRules.Check(nameof(ConfirmDebit), transferId, branchId);
        var answer = await branches.ConfirmAsync(transferId, branchId, context.CancellationToken);
        if (answer.Settled)
            await context.Publish(new DebitConfirmed(transferId, branchId));
        else
            await context.Publish(new DebitConfirmRefused(transferId, branchId, answer.Reason!));
    }

    public async Task Consume(ConsumeContext<CancelDebit> context)
    {
        var (transferId, branchId) = (context.Message.TransferId, context.Message.BranchId);
        BranchMessageRules.Check(nameof(CancelDebit), transferId, branchId);
        var answer = await branches.CancelAsync(transferId, branchId, context.CancellationToken);
        if (answer.Settled)
            await context.Publish(new DebitCancelled(transferId, branchId));
        else
            await context.Publish(new DebitCancelRefused(transferId, branchId, answer.Reason!));
    }
}
