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
        BranchMessageRules.Check(nameof(TryCredit), m.TransferId, m.BranchId, m.AccountId, m.Currency);
        var answer = await branches.TryAsync(m.TransferId, m.BranchId, HoldSide.Credit, m.AccountId, m.Amount,
            m.Currency, context.CancellationToken);
        await (answer.Result switch
        {
            TryResult.Tried => context.Publish(new CreditTried(m.TransferId, m.BranchId)),
            TryResult.Confirmed => context.Publish(new CreditConfirmed(m.TransferId, m.BranchId)),
            TryResult.Cancelled => context.Publish(new CreditCancelled(m.TransferId, m.BranchId)),
            _ => context.Publish(new CreditRefused(m.TransferId, m.BranchId, answer.Reason!)),
        });
    }

    public async Task Consume(ConsumeContext<ConfirmCredit> context)
    {
        var (transferId, branchId) = (context.Message.TransferId, context.Message.BranchId);
        BranchMessageRules.Check(nameof(ConfirmCredit), transferId, branchId);
        var answer = await branches.ConfirmAsync(transferId, branchId, context.CancellationToken);
        if (answer.Settled)
            await context.Publish(new CreditConfirmed(transferId, branchId));
        else
            await context.Publish(new CreditConfirmRefused(transferId, branchId, answer.Reason!));
    }

    public async Task Consume(ConsumeContext<CancelCredit> context)
    {
        var (transferId, branchId) = (context.Message.TransferId, context.Message.BranchId);
        BranchMessageRules.Check(nameof(CancelCredit), transferId, branchId);
        var answer = await branches.CancelAsync(transferId, branchId, context.CancellationToken);
        if (answer.Settled)
            await context.Publish(new CreditCancelled(transferId, branchId));
        else
            await context.Publish(new CreditCancelRefused(transferId, branchId, answer.Reason!));
    }
}
