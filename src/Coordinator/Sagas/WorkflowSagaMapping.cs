using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.Coordinator.Sagas;

/// <summary>
/// Maps what every <see cref="WorkflowSaga"/> shares: its key, its state, its steps and history as jsonb, and the
/// indexed deadline the deadline job polls. A workflow's own configuration derives from this and adds its columns.
/// </summary>
public abstract class WorkflowSagaMapping<TSaga> : IEntityTypeConfiguration<TSaga>
    where TSaga : WorkflowSaga
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected abstract string Table { get; }

    public virtual void Configure(EntityTypeBuilder<TSaga> e)
    {
        e.ToTable(Table);
        e.HasKey(s => s.CorrelationId);
        e.Property(s => s.CorrelationId).ValueGeneratedNever();
        e.Property(s => s.CurrentState).HasMaxLength(64);
        e.Property(s => s.Version).IsConcurrencyToken();
        e.Property(s => s.Outcome).HasMaxLength(1000);
        JsonColumn(e.Property(s => s.Steps));
        JsonColumn(e.Property(s => s.History));
        // Serves the deadline job's "deadline_at <= now ORDER BY deadline_at"; sagas waiting on nothing hold null.
        e.HasIndex(s => s.DeadlineAt);
    }

    static void JsonColumn<T>(PropertyBuilder<List<T>> property) =>
        property.HasColumnType("jsonb").HasConversion(
            v => JsonSerializer.Serialize(v, Json),
            v => JsonSerializer.Deserialize<List<T>>(v, Json) ?? new List<T>(),
            new ValueComparer<List<T>>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                v => JsonSerializer.Serialize(v, Json).GetHashCode(),
                v => JsonSerializer.Deserialize<List<T>>(JsonSerializer.Serialize(v, Json), Json)!));
}
