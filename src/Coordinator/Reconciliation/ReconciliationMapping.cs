using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Coordinator.Reconciliation;

sealed class ReconciliationRunMapping : IEntityTypeConfiguration<ReconciliationRun>
{
    public void Configure(EntityTypeBuilder<ReconciliationRun> e)
    {
        e.ToTable("reconciliation_run");
        e.HasKey(r => r.Id);
        e.Property(r => r.Trigger).HasMaxLength(16);
        e.Property(r => r.Status).HasMaxLength(16);
        e.Property(r => r.Examined).AsJsonb();
        e.Property(r => r.Findings).AsJsonb();
        e.Property(r => r.Actions).AsJsonb();
        e.Property(r => r.Errors).AsJsonb();
        // Serves GET /api/reconciliation/runs (newest first) and the look-up of runs left Running.
        e.HasIndex(r => r.StartedAt);
    }
}

sealed class ReconciliationTickMapping : IEntityTypeConfiguration<ReconciliationTick>
{
    public void Configure(EntityTypeBuilder<ReconciliationTick> e)
    {
        e.ToTable("reconciliation_tick");
        e.HasKey(t => t.Id);
        e.Property(t => t.Id).ValueGeneratedNever();
        e.HasData(new ReconciliationTick { Id = 1, LastTick = 0 });
    }
}
