using Microsoft.EntityFrameworkCore;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Tcc;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>
/// Confirm and Cancel of one branch exclude each other: whichever is recorded first settles the hold, the other is
/// refused and moves no money, whether they arrive one after the other or at the same time.
/// </summary>
public sealed class ConfirmCancelExclusionTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const decimal OpeningBalance = 1_000m;
    const decimal Amount = 10m;

    [Theory]
    [InlineData(HoldSide.Debit, "confirm", "cancel")]
    [InlineData(HoldSide.Debit, "cancel", "confirm")]
    [InlineData(HoldSide.Credit, "confirm", "cancel")]
    [InlineData(HoldSide.Credit, "cancel", "confirm")]
    public async Task The_second_of_a_sequential_confirm_and_cancel_is_refused_and_moves_nothing(HoldSide side,
        string first, string second)
    {
        await using var bank = await BankDatabase.CreateAsync(await services.CreateDatabaseAsync($"seq{side}{first}"));
        await bank.OpenAccountAsync("a", OpeningBalance);
        var (transferId, branchId) = (Guid.NewGuid(), TccBarrier.NewBranchId(DateTimeOffset.UtcNow));
        await bank.WithBranchesAsync(b => b.TryAsync(transferId, branchId, side, "a", Amount, "EUR", default));

        var firstAnswer = await SettleAsync(bank, first, transferId, branchId);
        var secondAnswer = await SettleAsync(bank, second, transferId, branchId);
        var repeatAnswer = await SettleAsync(bank, first, transferId, branchId);

        Assert.True(firstAnswer.Settled);
        Assert.False(secondAnswer.Settled);
        Assert.Contains(first == "confirm" ? "confirmed before" : "cancelled before", secondAnswer.Reason);
        Assert.True(repeatAnswer.Settled);
        await bank.AssertSettledOnceAsync(transferId, branchId, side, first, OpeningBalance, Amount);
    }

    [Fact]
    public async Task Concurrent_confirm_and_cancel_pairs_settle_each_branch_exactly_once_and_conserve_money()
    {
        const int Pairs = 40;
        await using var bank = await BankDatabase.CreateAsync(await services.CreateDatabaseAsync("race"));
        // An account per branch, so that the pairs of different branches do not queue behind one account lock and
        // each pair really meets at its own hold.
        var branches = Enumerable.Range(0, Pairs).Select(i => (
            Account: $"acc-{i}", Side: i % 2 == 0 ? HoldSide.Debit : HoldSide.Credit,
            TransferId: Guid.NewGuid(), BranchId: TccBarrier.NewBranchId(DateTimeOffset.UtcNow))).ToList();
        foreach (var b in branches)
        {
            await bank.OpenAccountAsync(b.Account, OpeningBalance);
            await bank.WithBranchesAsync(x => x.TryAsync(b.TransferId, b.BranchId, b.Side, b.Account, Amount, "EUR", default));
        }

        // Every Confirm and Cancel waits at one gate, so the two of a pair are sent together.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racing = branches.Select(async b =>
        {
            var confirm = Task.Run(async () => { await gate.Task; return await SettleAsync(bank, "confirm", b.TransferId, b.BranchId); });
            var cancel = Task.Run(async () => { await gate.Task; return await SettleAsync(bank, "cancel", b.TransferId, b.BranchId); });
            return (Branch: b, Confirm: await confirm, Cancel: await cancel);
        }).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(racing);

        var winners = new Dictionary<string, int> { ["confirm"] = 0, ["cancel"] = 0 };
        foreach (var (b, confirm, cancel) in results)
        {
            // Exactly one of the two settled the branch, and the books say the same one did.
            Assert.True(confirm.Settled ^ cancel.Settled, $"branch {b.BranchId}: confirm {confirm}, cancel {cancel}");
            var winner = confirm.Settled ? "confirm" : "cancel";
            winners[winner]++;
            await bank.AssertSettledOnceAsync(b.TransferId, b.BranchId, b.Side, winner, OpeningBalance, Amount);
        }
        // Money is conserved in total too: each debit either left or came back, each credit arrived or was dropped.
        var expected = results.Sum(r => OpeningBalance + (r.Branch.Side, r.Confirm.Settled) switch
        {
            (HoldSide.Debit, true) => -Amount,
            (HoldSide.Credit, true) => Amount,
            _ => 0m,
        });
        var accounts = await bank.WithDbAsync(db => db.Accounts.AsNoTracking().ToListAsync());
        Assert.Equal(expected, accounts.Sum(a => a.Available));
        Assert.All(accounts, a => Assert.Equal((0m, 0m), (a.Frozen, a.PendingCredit)));
        // The race went both ways at least once, so both orders of the exclusion were exercised.
        Assert.True(winners["confirm"] > 0 && winners["cancel"] > 0, $"winners: {string.Join(", ", winners)}");
    }

    [Fact]
    public async Task A_confirm_without_a_try_is_refused_and_a_later_try_and_cancel_still_work()
    {
        await using var bank = await BankDatabase.CreateAsync(await services.CreateDatabaseAsync("notry"));
        await bank.OpenAccountAsync("a", OpeningBalance);
        var (transferId, branchId) = (Guid.NewGuid(), TccBarrier.NewBranchId(DateTimeOffset.UtcNow));

        var confirm = await SettleAsync(bank, "confirm", transferId, branchId);
        Assert.False(confirm.Settled);
        Assert.Contains("never tried", confirm.Reason);

        TryAnswer? tried = null;
        await bank.WithBranchesAsync(async b => tried = await b.TryAsync(transferId, branchId, HoldSide.Debit, "a", Amount, "EUR", default));
        Assert.True(tried!.Tried);
        Assert.True((await SettleAsync(bank, "cancel", transferId, branchId)).Settled);
        await bank.AssertSettledOnceAsync(transferId, branchId, HoldSide.Debit, "cancel", OpeningBalance, Amount);
    }

    static async Task<SettleAnswer> SettleAsync(BankDatabase bank, string phase, Guid transferId, Guid branchId)
    {
        SettleAnswer? answer = null;
        await bank.WithBranchesAsync(async b => answer = phase == "confirm"
            ? await b.ConfirmAsync(transferId, branchId, default)
            : await b.CancelAsync(transferId, branchId, default));
        return answer!;
    }
}
