using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Transactions.Outbox.Delivery;

/// <summary>
/// The conversations (partition keys) whose first message failed to send, and when each may be tried again. Delivery rounds leave them out until then, so a refused message is tried on a growing backoff
/// rather than once per round, and its conversation, however long, cannot fill the rounds and starve the others.
/// Kept in memory, one per process and outbox (the delivery service's rounds and <c>DeliverNowAsync</c> share it): a
/// restart only means one early attempt per such conversation, and needs no schema change.
/// </summary>
sealed class ConversationBackoff<TDbContext>(IOptions<PostgresOutboxOptions> outboxOptions, TimeProvider time)
    where TDbContext : DbContext
{
    readonly PostgresOutboxOptions options = outboxOptions.Value;
    readonly ConcurrentDictionary<Guid, DateTimeOffset> _until = new();
    long _lastConfirmedTicks;

    /// <summary>The broker confirmed a message of this process's delivery.</summary>
    public void Confirmed() => Interlocked.Exchange(ref _lastConfirmedTicks, time.GetUtcNow().UtcTicks);

    /// <summary>
    /// True when the broker confirmed a message within <see cref="PostgresOutboxOptions.DeliveryFailureEvidence"/>:
    /// a send failing now is then the message's own failure, not a broker that is away, and counts as an attempt.
    /// </summary>
    public bool BrokerIsTakingMessages() =>
        time.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastConfirmedTicks) <= options.DeliveryFailureEvidence.Ticks;

    /// <summary>The conversations still waiting; the ones whose wait is over are forgotten.</summary>
    public Guid[] Waiting()
    {
        if (_until.IsEmpty)
            return [];
        var now = time.GetUtcNow();
        foreach (var (key, until) in _until)
            if (until <= now)
                _until.TryRemove(KeyValuePair.Create(key, until));
        return _until.Keys.ToArray();
    }

    /// <summary>
    /// The conversation's first message failed, <paramref name="attempts"/> counted failures so far: it waits
    /// <see cref="PostgresOutboxOptions.AttemptBackoffBase"/> doubled per counted failure after the first, at most
    /// <see cref="PostgresOutboxOptions.AttemptBackoffMax"/>.
    /// </summary>
    public void Failed(Guid partitionKey, int attempts)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 20);
        var wait = TimeSpan.FromTicks(Math.Min(options.AttemptBackoffMax.Ticks,
            options.AttemptBackoffBase.Ticks * (1L << doublings)));
        _until[partitionKey] = time.GetUtcNow() + wait;
    }
}
