using Microsoft.EntityFrameworkCore;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Participants.Sample.Bank.Accounts;
using Xunit.Abstractions;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Tcc;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>
/// Drives the bank's branches through randomized schedules of duplicated, reordered and concurrent Try, Confirm and
/// Cancel deliveries against the real PostgreSQL, as a broker that redelivers and reorders would.
/// </summary>
public sealed class BarrierScheduleTests(IsolatedServices services, ITestOutputHelper output)
    : IClassFixture<IsolatedServices>
{
    const int Schedules = 1_000;
    const int Workers = 8;
    const decimal OpeningBalance = 100_000m;

    /// <summary>Set to the seed a failed run printed, to replay its schedules.</summary>
    const string SeedVariable = "BARRIER_SCHEDULE_SEED";

    [Fact]
    public async Task Duplicated_reordered_and_contradicting_phases_settle_each_branch_once()
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { } fixedSeed
            ? int.Parse(fixedSeed)
            : Random.Shared.Next();
        output.WriteLine($"schedules from seed {seed} (replay with {SeedVariable}={seed})");
        await using var bank = await BankDatabase.CreateAsync(await services.CreateDatabaseAsync("bank"));
        var stats = new ScheduleStats();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async worker =>
        {
            var (from, to) = ($"from-{worker}", $"to-{worker}");
            await bank.OpenAccountAsync(from, OpeningBalance);
            await bank.OpenAccountAsync(to, OpeningBalance);
            var random = new Random(seed + worker);
            var (debited, credited) = (0m, 0m);
            for (var i = 0; i < Schedules / Workers; i++)
            {
                var schedule = TransferSchedule.Random(random, from, to);
                await schedule.DeliverAsync(bank);
                var records = await bank.WithDbAsync(db => TccBarrier.RecordsAsync(db, [schedule.TransferId]));
                stats.Record(schedule, records);

                // Each branch that reserved money was settled once, the way the barrier recorded it; money moved by the
                // confirmed holds alone.
                var holds = await bank.WithDbAsync(db => db.Holds.AsNoTracking()
                    .Where(h => h.TransferId == schedule.TransferId).ToListAsync());
                foreach (var hold in holds)
                {
                    var settledAs = records.Where(r => r.BranchId == hold.BranchId && r.Phase != "try")
                        .Select(r => r.Phase).ToList();
                    var expected = hold.Status == HoldStatus.Refused ? HoldStatus.Refused
                        : settledAs is ["confirm"] ? HoldStatus.Confirmed : HoldStatus.Cancelled;
                    Assert.True(settledAs.Count == 1 && hold.Status == expected,
                        $"seed {seed}: branch {hold.BranchId} recorded [{string.Join(", ", settledAs)}], hold {hold.Status}");
                }
                debited += holds.Where(h => h is { Side: HoldSide.Debit, Status: HoldStatus.Confirmed }).Sum(h => h.Amount);
                credited += holds.Where(h => h is { Side: HoldSide.Credit, Status: HoldStatus.Confirmed }).Sum(h => h.Amount);

                var (a, b) = (await bank.AccountAsync(from), await bank.AccountAsync(to));
                Assert.True((OpeningBalance - debited, OpeningBalance + credited) == (a.Available, b.Available),
                    $"seed {seed}: {from} {a.Available}, {to} {b.Available} after debits of {debited} and credits of {credited}");
                Assert.Equal(0m, a.Frozen + a.PendingCredit + b.Frozen + b.PendingCredit);
            }
        }));
        output.WriteLine(stats.ToString());

        // Every money movement happened once per branch: freeze and debit, or pending and credit, never twice.
        var movements = await bank.WithDbAsync(db => db.Ledger.Where(l => l.TransferId != null)
            .GroupBy(l => new { l.TransferId, l.Kind }).Select(g => g.Count()).MaxAsync());
        Assert.Equal(1, movements);
        // A branch settled one way never settled the other way too.
        var bothWays = await bank.WithDbAsync(db => db.Ledger.Where(l => l.TransferId != null)
            .GroupBy(l => new { l.TransferId, l.AccountId })
            .CountAsync(g => g.Any(l => l.Kind == LedgerKind.Debited || l.Kind == LedgerKind.Credited)
                             && g.Any(l => l.Kind == LedgerKind.DebitReleased || l.Kind == LedgerKind.CreditDropped)));
        Assert.Equal(0, bothWays);
        // The barrier did take every path, so the assertions above mean something.
        var took = $"seed {seed}: {stats}";
        Assert.True(stats.Confirmed > 200 && stats.Cancelled > 200, took);
        Assert.True(stats.NullCompensations > 50 && stats.HangingTries > 50 && stats.Duplicates > 500, took);
        Assert.True(stats.ConcurrentPairs > 500 && stats.FundsRefusals > 20 && stats.ExclusionRefusals > 50, took);
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
