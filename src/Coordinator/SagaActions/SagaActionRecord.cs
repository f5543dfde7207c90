using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.Coordinator.SagaActions;

/// <summary>
/// One manual action asked of a saga: who, when, what, why, and what came of it. Table <c>saga_action_audit</c>;
/// rows are only ever added and completed, never deleted, so the log is the full record of interventions.
/// </summary>
public sealed class SagaActionRecord
{
    public Guid ActionId { get; set; }
    public Guid SagaId { get; set; }
    public string Workflow { get; set; } = "";

    /// <summary>retry, compensate or resolve (<see cref="SagaActionNames"/>).</summary>
    public string Action { get; set; } = "";
    public string Reason { get; set; } = "";
    public bool DryRun { get; set; }

    /// <summary>The authenticated caller: the API key's name.</summary>
    public string Actor { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>The saga's state when the action was asked for.</summary>
    public string StateBefore { get; set; } = "";

    /// <summary>DryRun, Requested, Applied or Refused (<see cref="SagaActionStatus"/>).</summary>
    public string Status { get; set; } = SagaActionStatus.Requested;

    /// <summary>What the action does or did, or why it was refused.</summary>
    public string Detail { get; set; } = "";

    /// <summary>When the saga applied or refused it; null while requested.</summary>
    public DateTimeOffset? CompletedAt { get; set; }
}

public static class SagaActionStatus
{
    /// <summary>Only described: nothing was sent to the saga.</summary>
    public const string DryRun = "DryRun";

    /// <summary>Sent to the saga, which has not handled it yet.</summary>
    public const string Requested = "Requested";
    public const string Applied = "Applied";

    /// <summary>Not legal in the saga's state: refused by the API, or by the saga when it had moved on first.</summary>
    public const string Refused = "Refused";
}

sealed class SagaActionRecordMapping : IEntityTypeConfiguration<SagaActionRecord>
{
    public const int MaxReasonLength = 500;

    public void Configure(EntityTypeBuilder<SagaActionRecord> e)
    {
        e.ToTable("saga_action_audit");
        e.HasKey(a => a.ActionId);
        e.Property(a => a.Workflow).HasMaxLength(64);
        e.Property(a => a.Action).HasMaxLength(16);
        e.Property(a => a.Reason).HasMaxLength(MaxReasonLength);
        e.Property(a => a.Actor).HasMaxLength(128);
        e.Property(a => a.StateBefore).HasMaxLength(64);
        e.Property(a => a.Status).HasMaxLength(16);
        // Serves GET /api/sagas/{id}/actions: one saga's actions, newest first.
        e.HasIndex(a => new { a.SagaId, a.RequestedAt });
        // Serves GET /api/audit: every action, newest first, paged by (requested_at, action_id).
        e.HasIndex(a => new { a.RequestedAt, a.ActionId });
    }
}
