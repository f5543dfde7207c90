using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;

namespace Transactions.Participants.Sample.Bank.Persistence;

sealed class AccountMapping : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> e)
    {
        e.HasKey(a => a.AccountId);
        e.Property(a => a.AccountId).HasMaxLength(64);
        e.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
        e.Property(a => a.Available).HasPrecision(18, 2);
        e.Property(a => a.Frozen).HasPrecision(18, 2);
        e.Property(a => a.PendingCredit).HasPrecision(18, 2);
        // The database, not only the code, refuses to let money go negative.
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_accounts_available_not_negative", "available >= 0");
            t.HasCheckConstraint("ck_accounts_frozen_not_negative", "frozen >= 0");
            t.HasCheckConstraint("ck_accounts_pending_credit_not_negative", "pending_credit >= 0");
        });
    }
}

sealed class LedgerEntryMapping : IEntityTypeConfiguration<LedgerEntry>
{
    public void Configure(EntityTypeBuilder<LedgerEntry> e)
    {
        e.ToTable("ledger_entries");
        e.HasKey(l => l.Id);
        e.Property(l => l.AccountId).HasMaxLength(64);
        e.Property(l => l.Kind).HasConversion<string>().HasMaxLength(16);
        e.Property(l => l.Amount).HasPrecision(18, 2);
        e.Property(l => l.Available).HasPrecision(18, 2);
        e.Property(l => l.Frozen).HasPrecision(18, 2);
        e.Property(l => l.PendingCredit).HasPrecision(18, 2);
        // Serves GET /api/accounts/{id}/ledger, newest last.
        e.HasIndex(l => new { l.AccountId, l.Id });
        e.HasOne<Account>().WithMany().HasForeignKey(l => l.AccountId);
    }
}

sealed class HoldMapping : IEntityTypeConfiguration<Hold>
{
    public void Configure(EntityTypeBuilder<Hold> e)
    {
        e.HasKey(h => h.BranchId);
        e.Property(h => h.Side).HasConversion<string>().HasMaxLength(8);
        e.Property(h => h.Status).HasConversion<string>().HasMaxLength(12);
        e.Property(h => h.AccountId).HasMaxLength(64);
        e.Property(h => h.Currency).HasMaxLength(3).IsFixedLength();
        e.Property(h => h.Amount).HasPrecision(18, 2);
        e.Property(h => h.Reason).HasMaxLength(200);
        // Serves audits of one transfer's holds.
        e.HasIndex(h => h.TransferId);
    }
}
