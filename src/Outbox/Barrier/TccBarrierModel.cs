using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Transactions.Outbox.Barrier;

/// <summary>Adds the TCC barrier's tables to a participant's EF Core model.</summary>
public static class TccBarrierModel
{
    internal const string Table = "tcc_barrier";
    internal const string HorizonTable = "tcc_barrier_horizon";

    /// <summary>
    /// Maps the tables <c>tcc_barrier</c> (one row per transaction, branch and phase) and <c>tcc_barrier_horizon</c>
    /// (one row: up to when rows were cleaned up) into the participant's own database, so that
    /// <see cref="TccBarrier.RunAsync"/> writes them in the same local transaction as the business change. Add a
    /// migration after calling this from <c>OnModelCreating</c>.
    /// </summary>
    public static ModelBuilder AddTccBarrier(this ModelBuilder modelBuilder)
    {
        // Names are fixed here, not left to a naming convention, because the barrier's SQL is written by hand.
        modelBuilder.Entity<TccBarrierEntry>(e =>
        {
            e.ToTable(Table);
            e.HasKey(x => new { x.TransactionId, x.BranchId, x.Phase });
            e.Property(x => x.TransactionId).HasColumnName("transaction_id");
            e.Property(x => x.BranchId).HasColumnName("branch_id");
            e.Property(x => x.Phase).HasColumnName("phase").HasMaxLength(8);
            e.Property(x => x.Origin).HasColumnName("origin").HasMaxLength(8);
            e.Property(x => x.IssuedAt).HasColumnName("issued_at");
            e.Property(x => x.RecordedAt).HasColumnName("recorded_at");
            // Serves the clean-up's "DELETE ... WHERE issued_at < horizon".
            e.HasIndex(x => x.IssuedAt).HasDatabaseName("ix_tcc_barrier_issued_at");
        });
        modelBuilder.Entity<TccBarrierHorizon>(e =>
        {
            e.ToTable(HorizonTable);
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(x => x.PurgedBefore).HasColumnName("purged_before");
            e.HasData(new TccBarrierHorizon { Id = 1, PurgedBefore = DateTimeOffset.UnixEpoch });
        });
        return modelBuilder;
    }

    /// <summary>
    /// Whether <paramref name="model"/> holds the barrier's tables (<see cref="AddTccBarrier"/> was called), so that a
    /// host can refuse to start a TCC participant whose context lacks them, rather than fail on its first Try.
    /// </summary>
    public static bool HasTccBarrier(this IReadOnlyModel model) =>
        model.FindEntityType(typeof(TccBarrierEntry)) is not null && model.FindEntityType(typeof(TccBarrierHorizon)) is not null;
}
