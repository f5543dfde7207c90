using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Transactions.Outbox.Sagas;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Coordinator.Sagas;

/// <summary>
/// Maps what every workflow's saga records (<see cref="WorkflowSaga"/>): steps and history as jsonb, the outcome,
/// and the deadline with the index the deadline driver reads. Each workflow derives its own map for its data.
/// </summary>
public abstract class WorkflowSagaMap<TSaga> : SagaEntityMap<TSaga>
    where TSaga : WorkflowSaga
{
    protected override void ConfigureSaga(EntityTypeBuilder<TSaga> builder)
    {
        builder.Property(x => x.Steps).AsJsonb();
        builder.Property(x => x.History).AsJsonb();
        builder.Property(x => x.Outcome).HasMaxLength(1024);
        // Serves the deadline driver: WHERE deadline_at <= @now ORDER BY deadline_at; sagas waiting on nothing
        // (deadline_at IS NULL, every terminal one among them) stay out of the index.
        builder.HasIndex(x => x.DeadlineAt).HasFilter("deadline_at IS NOT NULL");
        ConfigureWorkflow(builder);
    }

    /// <summary>Maps the workflow's own data (table name, lengths).</summary>
    protected abstract void ConfigureWorkflow(EntityTypeBuilder<TSaga> builder);
}
