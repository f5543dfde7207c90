using MassTransit;
using Microsoft.EntityFrameworkCore;
using Transactions.Contracts.BankTransfers;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Persistence;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>
/// Answers reconciliation's question "what does the bank hold for these transfers?" from the holds and the barrier
/// (endpoint <c>bank-transfer-views</c>). Read-only, so it needs neither inbox nor outbox.
/// </summary>
public sealed class TransferViewConsumer(BankDbContext db) : IConsumer<GetBankTransferViews>
{
    public const int MaxTransfers = 1_000;

    public async Task Consume(ConsumeContext<GetBankTransferViews> context)
    {
        var ids = context.Message.TransferIds.Take(MaxTransfers).ToList();
        var holds = await db.Holds.AsNoTracking().Where(h => ids.Contains(h.TransferId))
            .ToListAsync(context.CancellationToken);
        var barrier = (await TccBarrier.RecordsAsync(db, ids, context.CancellationToken))
            .ToLookup(r => r.BranchId, r => r.Origin == r.Phase ? r.Phase : $"{r.Phase} (by {r.Origin})");

        var views = holds.GroupBy(h => h.TransferId).Select(transfer => new BankTransferView(transfer.Key,
            transfer.Select(h => new BankBranchView(h.BranchId, h.Side.ToString(), h.AccountId, h.Amount, h.Currency,
                h.Status.ToString(), barrier[h.BranchId].ToList())).ToList())).ToList();
        await context.RespondAsync(new BankTransferViews(views));
    }
}
