using MassTransit;
using Transactions.Contracts.BankTransfers;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// The debit branch as a first attempt without a TCC barrier would write it: each command does its change and says
/// it succeeded. It is right when every message arrives once and in order, and wrong otherwise.
/// </summary>
public sealed class NoBarrierConsumer(NoBarrierLedger ledger) :
    IConsumer<TryDebit>, IConsumer<ConfirmDebit>, IConsumer<CancelDebit>
{
    public async Task Consume(ConsumeContext<TryDebit> context)
    {
        var m = context.Message;
        await ledger.TryAsync(m.BranchId, m.AccountId, m.Amount);
        await context.Publish(new DebitTried(m.TransferId, m.BranchId));
    }

    public async Task Consume(ConsumeContext<ConfirmDebit> context)
    {
        await ledger.ConfirmAsync(context.Message.BranchId);
        await context.Publish(new DebitConfirmed(context.Message.TransferId, context.Message.BranchId));
    }

    public async Task Consume(ConsumeContext<CancelDebit> context)
    {
        await ledger.CancelAsync(context.Message.BranchId);
        await context.Publish(new DebitCancelled(context.Message.TransferId, context.Message.BranchId));
    }
}
