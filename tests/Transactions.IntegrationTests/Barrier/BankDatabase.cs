using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Sample.Bank.Persistence;

namespace Transactions.IntegrationTests.Barrier;

/// <summary>The bank's real database and branch code, driven directly, without a broker in between.</summary>
public sealed class BankDatabase : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    BankDatabase(string connectionString)
    {
        _provider = new ServiceCollection()
            .AddDbContext<BankDbContext>(o => o.UseNpgsql(connectionString).UseSnakeCaseNamingConvention())
            .AddSingleton(TimeProvider.System)
            .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .AddScoped<BankBranches>()
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

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
