using MassTransit;
using Transactions.Contracts.BankTransfers;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>The credit branch of transfers (endpoint <c>bank-credit</c>). Replies go through the outbox.</summary>
public sealed class CreditConsumer(BankBranches branches) :
    IConsumer<TryCredit>, IConsumer<ConfirmCredit>, IConsumer<CancelCredit>
{
    public async Task Consume(ConsumeContext<TryCredit> context)
    {
        var m = context.Message;
        var answer = await branches.TryAsync(m.TransferId, m.BranchId, HoldSide.Credit, m.AccountId, m.Amount,
            m.Currency, context.CancellationToken);
        if (answer.Tried)
            await context.Publish(new CreditTried(m.TransferId, m.BranchId));
        else
            await context.Publish(new CreditRefused(m.TransferId, m.BranchId, answer.Reason!));
    }

    public async Task Consume(ConsumeContext<ConfirmCredit> context)
    {
        await branches.ConfirmAsync(context.Message.TransferId, context.Message.BranchId, context.CancellationToken);
        await context.Publish(new CreditConfirmed(context.Message.TransferId, context.Message.BranchId));
    }

    public async Task Consume(ConsumeContext<CancelCredit> context)
    {
        await branches.CancelAsync(context.Message.TransferId, context.Message.BranchId, context.CancellationToken);
        await context.Publish(new CreditCancelled(context.Message.TransferId, context.Message.BranchId));
    }
}
