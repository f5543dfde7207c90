using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Transactions.Outbox.Sagas;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Coordinator.Sagas;

/// <summary>
/// Maps what every <see cref="WorkflowSaga"/> shares beyond the tracked-saga columns: its outcome, its steps and
/// history as jsonb, and the indexed deadline the deadline job polls. A workflow's configuration derives from this.
/// </summary>
public abstract class WorkflowSagaMapping<TSaga> : SagaEntityMap<TSaga>
    where TSaga : WorkflowSaga
{
    protected sealed override void ConfigureSaga(EntityTypeBuilder<TSaga> e)
    {
        e.Property(s => s.Outcome).HasMaxLength(1000);
        // Steps change in place (a copy keeps the snapshot); a transition never changes once recorded.
        e.Property(s => s.Steps).AsJsonbList(step => step with { });
        e.Property(s => s.History).AsJsonbList(transition => transition);
        // Serves the deadline job's "deadline_at <= now ORDER BY deadline_at"; sagas waiting on nothing hold null.
        e.HasIndex(s => s.DeadlineAt);
        // Serves GET /api/sagas: ORDER BY created_at, correlation_id with the keyset cursor
        // (created_at, correlation_id) > (@at, @id) and the createdFrom/createdTo range, LIMIT n.
        e.HasIndex(s => new { s.CreatedAt, s.CorrelationId });
        ConfigureWorkflow(e);
    }

    /// <summary>The workflow's table and its own columns.</summary>
    protected abstract void ConfigureWorkflow(EntityTypeBuilder<TSaga> e);
}
