using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Transactions.Outbox.Sagas;

/// <summary>
/// Base mapping for a tracked saga's table: derive from it in the saga's <c>IEntityTypeConfiguration</c> and map the
/// saga's own data in <see cref="ConfigureSaga"/>. The columns the repository relies on are mapped by
/// <see cref="TrackedSagaMapping.MapTrackedSaga{TSaga}"/>.
/// </summary>
/// <example>
/// <code>
/// sealed class OrderStateMap : SagaEntityMap&lt;OrderState&gt;
/// {
///     protected override void ConfigureSaga(EntityTypeBuilder&lt;OrderState&gt; builder) =&gt;
///         builder.Property(x =&gt; x.Amount).HasPrecision(18, 2);
/// }
/// </code>
/// </example>
/// <typeparam name="TSaga">The saga state.</typeparam>
public abstract class SagaEntityMap<TSaga> : IEntityTypeConfiguration<TSaga>
    where TSaga : class, ITrackedSaga
{
    /// <inheritdoc />
    public void Configure(EntityTypeBuilder<TSaga> builder)
    {
        builder.MapTrackedSaga();
        ConfigureSaga(builder);
    }

    /// <summary>Maps the saga's own properties (table name, precision of amounts, JSON columns).</summary>
    protected abstract void ConfigureSaga(EntityTypeBuilder<TSaga> builder);
}

/// <summary>Maps the columns of <see cref="ITrackedSaga"/> the PostgreSQL saga repository and its queries rely on.</summary>
public static class TrackedSagaMapping
{
    /// <summary>The longest state name the <c>current_state</c> column holds.</summary>
    public const int CurrentStateMaxLength = 64;

    /// <summary>
    /// Keys the table by correlation id (assigned by the message, never generated), makes <c>version</c> the
    /// optimistic concurrency token, and adds the indexes that <see cref="ISagaQueries{TSaga}"/> runs on.
    /// </summary>
    public static EntityTypeBuilder<TSaga> MapTrackedSaga<TSaga>(this EntityTypeBuilder<TSaga> builder)
        where TSaga : class, ITrackedSaga
    {
        builder.HasKey(x => x.CorrelationId);
        builder.Property(x => x.CorrelationId).ValueGeneratedNever();
        // Every save sets version = loaded version + 1 and updates only WHERE version = loaded version, so a writer
        // that loaded a stale copy updates no row and gets a concurrency exception instead of overwriting.
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.Property(x => x.CurrentState).HasMaxLength(CurrentStateMaxLength).IsRequired();
        builder.Property(x => x.CreatedAt).IsRequired();
        builder.Property(x => x.UpdatedAt).IsRequired();

        // Serves ISagaQueries.InStateAsync: WHERE current_state = @state ORDER BY updated_at, correlation_id LIMIT n
        // ("which sagas are in state X, oldest change first").
        builder.HasIndex(x => new { x.CurrentState, x.UpdatedAt, x.CorrelationId });
        // Serves ISagaQueries.NoProgressSinceAsync: WHERE updated_at < @since ORDER BY updated_at, correlation_id
        // LIMIT n (reconciliation's "no progress since T"); excluded terminal states are filtered on the range.
        builder.HasIndex(x => new { x.UpdatedAt, x.CorrelationId });
        return builder;
    }
}
