using Microsoft.EntityFrameworkCore;
using Transactions.Outbox;

namespace Transactions.Coordinator.Persistence;

/// <summary>The coordinator's one database: saga state, its outbox and inbox, reconciliation reports.</summary>
public sealed class CoordinatorDbContext(DbContextOptions<CoordinatorDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CoordinatorDbContext).Assembly,
            t => t.Namespace?.StartsWith("Transactions.Coordinator", StringComparison.Ordinal) == true);
        modelBuilder.AddTransactionalOutbox();
    }
}
