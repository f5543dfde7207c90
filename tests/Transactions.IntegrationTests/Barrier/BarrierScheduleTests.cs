using Microsoft.EntityFrameworkCore;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Branches;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>
/// Drives the bank's branches through randomized schedules of duplicated, reordered and concurrent Try, Confirm and
/// Cancel deliveries against the real PostgreSQL, as a broker that redelivers and reorders would.
/// </summary>
public sealed class BarrierScheduleTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const int Schedules = 1_000;
    const int Workers = 8;
    const decimal OpeningBalance = 100_000m;

    [Fact]
    public async Task Duplicated_and_reordered_phases_never_create_or_destroy_money()
    {
        await using var bank = await BankDatabase.CreateAsync(await services.CreateDatabaseAsync("bank"));
        var stats = new ScheduleStats();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            var (from, to) = ($"from-{worker}", $"to-{worker}");
            await bank.OpenAccountAsync(from, OpeningBalance);
            await bank.OpenAccountAsync(to, OpeningBalance);
            var random = new Random(worker * 7919);
            var expectedFrom = OpeningBalance;
            for (var i = 0; i < Schedules / Workers; i++)
            {
                var schedule = TransferSchedule.Random(random, from, to);
                await schedule.DeliverAsync(bank);
                stats.Record(schedule);
                if (schedule.Confirmed)
                    expectedFrom -= schedule.Amount;

                var (a, b) = (await bank.AccountAsync(from), await bank.AccountAsync(to));
                Assert.Equal(expectedFrom, a.Available);
                Assert.Equal(2 * OpeningBalance - expectedFrom, b.Available);
                Assert.Equal(0m, a.Frozen + a.PendingCredit + b.Frozen + b.PendingCredit);
            }
        }));

        // Every money movement happened once per transfer: freeze and debit, or pending and credit, never twice.
        var movements = await bank.WithDbAsync(db => db.Ledger.Where(l => l.TransferId != null)
            .GroupBy(l => new { l.TransferId, l.Kind }).Select(g => g.Count()).MaxAsync());
        Assert.Equal(1, movements);
        // The schedules did exercise every barrier path, so the assertions above mean something.
        Assert.True(stats.Confirmed > 100 && stats.Cancelled > 100, stats.ToString());
        Assert.True(stats.NullCompensations > 50 && stats.HangingTries > 50 && stats.Duplicates > 500, stats.ToString());
        Assert.True(stats.ConcurrentPairs > 500, stats.ToString());
        Assert.True(stats.Refusals > 20, stats.ToString());
    }

    [Fact]
    public async Task A_try_after_clean_up_is_refused_and_a_confirm_is_answered_expired()
    {
        await using var bank = await BankDatabase.CreateAsync(await services.CreateDatabaseAsync("purge"));
        await bank.OpenAccountAsync("a", 100m);
        var transferId = Guid.NewGuid();
        var old = TccBarrier.NewBranchId(DateTimeOffset.UtcNow.AddDays(-8));
        await bank.WithBranchesAsync(b => b.TryAsync(transferId, old, HoldSide.Debit, "a", 10m, "EUR", default));
        await bank.WithBranchesAsync(b => b.CancelAsync(transferId, old, default));

        var deleted = await bank.WithDbAsync(db => TccBarrier.PurgeAsync(db, DateTimeOffset.UtcNow.AddDays(-7)));
        Assert.Equal(2, deleted);

        // The late Try finds no row of its own any more, yet is refused and freezes nothing.
        TryAnswer? answer = null;
        await bank.WithBranchesAsync(async b => answer = await b.TryAsync(transferId, old, HoldSide.Debit, "a", 10m, "EUR", default));
        Assert.False(answer!.Tried);
        var outcome = await bank.WithDbAsync(async db =>
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            return await TccBarrier.RunAsync(db, transferId, old, TccPhase.Confirm, _ => throw new InvalidOperationException("ran"));
        });
        Assert.Equal(TccOutcome.Expired, outcome);
        var account = await bank.AccountAsync("a");
        Assert.Equal((100m, 0m), (account.Available, account.Frozen));
    }
}
