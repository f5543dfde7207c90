using Microsoft.EntityFrameworkCore;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Tcc;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>
/// A Try delivered again is answered with what is true of its branch now: "tried" while the hold stands, the
/// settlement once the branch was confirmed or cancelled, a refusal when its Cancel came first. It reserves nothing
/// a second time.
/// </summary>
public sealed class RepeatedTryTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Theory]
    [InlineData("", TryResult.Tried)]
    [InlineData("confirm", TryResult.Confirmed)]
    [InlineData("cancel", TryResult.Cancelled)]
    public async Task A_repeated_try_is_answered_with_the_branch_as_it_is_and_freezes_nothing_again(string settledBy,
        TryResult expected)
    {
        await using var bank = await BankDatabase.CreateAsync(await services.CreateDatabaseAsync($"repeat{settledBy}"));
        await bank.OpenAccountAsync("a", 100m);
        var (transferId, branchId) = (Guid.NewGuid(), TccBarrier.NewBranchId(DateTimeOffset.UtcNow));

        var first = await TryAsync(bank, transferId, branchId);
        if (settledBy == "confirm")
            await bank.WithBranchesAsync(b => b.ConfirmAsync(transferId, branchId, default));
        else if (settledBy == "cancel")
            await bank.WithBranchesAsync(b => b.CancelAsync(transferId, branchId, default));
        var repeat = await TryAsync(bank, transferId, branchId);

        Assert.Equal(TryResult.Tried, first.Result);
        Assert.Equal(expected, repeat.Result);
        var frozen = await bank.WithDbAsync(db => db.Ledger.CountAsync(l => l.TransferId == transferId && l.Kind == LedgerKind.DebitFrozen));
        Assert.Equal(1, frozen);
    }

    [Fact]
    public async Task A_try_after_its_cancel_is_refused_and_freezes_nothing()
    {
        await using var bank = await BankDatabase.CreateAsync(await services.CreateDatabaseAsync("hanging"));
        await bank.OpenAccountAsync("a", 100m);
        var (transferId, branchId) = (Guid.NewGuid(), TccBarrier.NewBranchId(DateTimeOffset.UtcNow));

        await bank.WithBranchesAsync(b => b.CancelAsync(transferId, branchId, default));
        var late = await TryAsync(bank, transferId, branchId);

        Assert.Equal(TryResult.Refused, late.Result);
        var account = await bank.AccountAsync("a");
        Assert.Equal((100m, 0m), (account.Available, account.Frozen));
    }

    static async Task<TryAnswer> TryAsync(BankDatabase bank, Guid transferId, Guid branchId)
    {
        TryAnswer? answer = null;
        await bank.WithBranchesAsync(async b =>
            answer = await b.TryAsync(transferId, branchId, HoldSide.Debit, "a", 10m, "EUR", default));
        return answer!;
    }
}
