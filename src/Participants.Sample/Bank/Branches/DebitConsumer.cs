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
        var answer = await branches.TryAsync(m.TransferId, m.BranchId, HoldSide.Debit, m.AccountId, m.Amount,
            m.Currency, context.CancellationToken);
        if (answer.Tried)
            await context.Publish(new DebitTried(m.TransferId, m.BranchId));
        else
            await context.Publish(new DebitRefused(m.TransferId, m.BranchId, answer.Reason!));
    }

    public async Task Consume(ConsumeContext<ConfirmDebit> context)
    {
        var (transferId, branchId) = (context.Message.TransferId, context.Message.BranchId);
        var answer = await branches.ConfirmAsync(transferId, branchId, context.CancellationToken);
        if (answer.Settled)
            await context.Publish(new DebitConfirmed(transferId, branchId));
        else
            await context.Publish(new DebitConfirmRefused(transferId, branchId, answer.Reason!));
    }

    public async Task Consume(ConsumeContext<CancelDebit> context)
    {
        var (transferId, branchId) = (context.Message.TransferId, context.Message.BranchId);
        var answer = await branches.CancelAsync(transferId, branchId, context.CancellationToken);
        if (answer.Settled)
            await context.Publish(new DebitCancelled(transferId, branchId));
        else
            await context.Publish(new DebitCancelRefused(transferId, branchId, answer.Reason!));
    }
}
