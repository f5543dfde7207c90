using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Sample.Bank.Persistence;
using Transactions.Participants.Tcc;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>The bank's real database and branch code, driven directly, without a broker in between.</summary>
public sealed class BankDatabase : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    BankDatabase(string connectionString)
    {
        _provider = new ServiceCollection()
            .AddDbContext<BankDbContext>(o => o.UseNpgsql(connectionString,
                npgsql => npgsql.MigrationsHistoryTable(DatabaseRegistration.MigrationsHistoryTable)).UseSnakeCaseNamingConvention())
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddScoped<BankBranches>()
            .AddScoped<TccBranchRunner<BankDbContext>>()
            .AddSingleton(TccParticipantSettings<BankDbContext>.Default)
            .BuildServiceProvider();
    }

    public static async Task<BankDatabase> CreateAsync(string connectionString)
    {
        var bank = new BankDatabase(connectionString);
        await bank.WithDbAsync(db => db.Database.MigrateAsync());
        return bank;
    }

    /// <summary>Runs <paramref name="action"/> with fresh branches in a scope of its own, as one message delivery would.</summary>
    public async Task WithBranchesAsync(Func<BankBranches, Task> action)
    {
        await using var scope = _provider.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<BankBranches>());
    }

    public async Task<T> WithDbAsync<T>(Func<BankDbContext, Task<T>> query)
    {
        await using var scope = _provider.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<BankDbContext>());
    }

    public Task WithDbAsync(Func<BankDbContext, Task> action) =>
        WithDbAsync(async db => { await action(db); return true; });

    public Task OpenAccountAsync(string id, decimal balance, string currency = "EUR") =>
        WithDbAsync(async db =>
        {
            var account = new Account { AccountId = id, Currency = currency, Available = balance };
            db.Accounts.Add(account);
            db.Ledger.Add(account.Open(DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        });

    public Task<Account> AccountAsync(string id) =>
        WithDbAsync(db => db.Accounts.AsNoTracking().SingleAsync(a => a.AccountId == id));

    /// <summary>
    /// The branch's hold, its ledger and its account all show the one settlement <paramref name="winner"/> made, and
    /// the barrier recorded that phase and not the other.
    /// </summary>
    /// <param name="openingBalance">What the branch's account, used by this branch alone, was opened with.</param>
    /// <param name="amount">The branch's amount.</param>
    public async Task AssertSettledOnceAsync(Guid transferId, Guid branchId, HoldSide side, string winner,
        decimal openingBalance, decimal amount)
    {
        var hold = await WithDbAsync(db => db.Holds.AsNoTracking().SingleAsync(h => h.BranchId == branchId));
        Assert.Equal(winner == "confirm" ? HoldStatus.Confirmed : HoldStatus.Cancelled, hold.Status);

        var kinds = await WithDbAsync(db => db.Ledger.AsNoTracking()
            .Where(l => l.TransferId == transferId && l.AccountId == hold.AccountId).Select(l => l.Kind).ToListAsync());
        var settlement = (side, winner) switch
        {
            (HoldSide.Debit, "confirm") => LedgerKind.Debited,
            (HoldSide.Debit, _) => LedgerKind.DebitReleased,
            (HoldSide.Credit, "confirm") => LedgerKind.Credited,
            _ => LedgerKind.CreditDropped,
        };
        var reservation = side == HoldSide.Debit ? LedgerKind.DebitFrozen : LedgerKind.CreditPending;
        Assert.Equal(new[] { reservation, settlement }.Order(), kinds.Order());

        var account = await AccountAsync(hold.AccountId);
        var available = openingBalance + settlement switch
        {
            LedgerKind.Debited => -amount,
            LedgerKind.Credited => amount,
            _ => 0m,
        };
        Assert.Equal((available, 0m, 0m), (account.Available, account.Frozen, account.PendingCredit));

        var phases = (await WithDbAsync(db => TccBarrier.RecordsAsync(db, [transferId])))
            .Where(r => r.BranchId == branchId).Select(r => r.Phase).Order().ToList();
        Assert.Equal(new[] { "try", winner }.Order(), phases);
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
