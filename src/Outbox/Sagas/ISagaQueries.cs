namespace Transactions.Outbox.Sagas;

/// <summary>
/// Read-only questions about the sagas of type <typeparamref name="TSaga"/>, for an API and for reconciliation.
/// Results are untracked copies ordered by (<c>UpdatedAt</c>, <c>CorrelationId</c>), oldest change first, each
/// query served by an index that <see cref="TrackedSagaMapping.MapTrackedSaga{TSaga}"/> creates.
/// Registered (scoped) by <c>PostgresRepository&lt;TDbContext&gt;()</c>.
/// </summary>
/// <typeparam name="TSaga">The saga state.</typeparam>
public interface ISagaQueries<TSaga>
    where TSaga : class, ITrackedSaga
{
    /// <summary>The saga with this correlation id, or null when there is none (never started, or finished and removed).</summary>
    Task<TSaga?> FindAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>At most <paramref name="limit"/> sagas currently in <paramref name="state"/>, least recently changed first.</summary>
    Task<IReadOnlyList<TSaga>> InStateAsync(string state, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// At most <paramref name="limit"/> sagas last changed before <paramref name="since"/> whose state is not one of
    /// <paramref name="excludeStates"/> (typically the terminal states): the candidates for reconciliation.
    /// </summary>
    Task<IReadOnlyList<TSaga>> NoProgressSinceAsync(DateTimeOffset since, IReadOnlyCollection<string> excludeStates,
        int limit, CancellationToken cancellationToken = default);
}
