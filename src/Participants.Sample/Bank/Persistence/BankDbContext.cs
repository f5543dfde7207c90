using Microsoft.EntityFrameworkCore;
using Transactions.Outbox;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;

namespace Transactions.Participants.Sample.Bank.Persistence;

/// <summary>The bank's own database: accounts, their ledger, the holds of tried branches, the TCC
/// barrier, and the outbox and inbox its consumers reply and deduplicate through.</summary>
public sealed class BankDbContext(DbContextOptions<BankDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<LedgerEntry> Ledger => Set<LedgerEntry>();
    public DbSet<Hold> Holds => Set<Hold>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BankDbContext).Assembly,
            t => t.Namespace == typeof(BankDbContext).Namespace);
        modelBuilder.AddTccBarrier();
        modelBuilder.AddTransactionalOutbox();
    }
}
