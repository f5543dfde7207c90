using Microsoft.Extensions.Options;

namespace Transactions.Outbox.Inbox;

/// <summary>
/// Tells whether a message may be sent again without risk of running its consumer twice. The inbox recognises a
/// message it already consumed only for <see cref="PostgresOutboxOptions.InboxRetention"/>; a message sent longer
/// ago than that, if it was consumed after all, would be taken for a new one. Paths that requeue a message (outbox
/// dead letters, <c>_error</c> queues) refuse such a message unless their caller forces it.
/// </summary>
public sealed class InboxRetentionGuard(IOptions<PostgresOutboxOptions> options, TimeProvider time)
{
    /// <summary>How long the inbox remembers a consumed message.</summary>
    public TimeSpan Retention => options.Value.InboxRetention;

    /// <summary>Whether a message sent at <paramref name="sentAt"/> is older than the inbox remembers.</summary>
    public bool Forgets(DateTimeOffset sentAt) => time.GetUtcNow() - sentAt > Retention;

    /// <summary>Why a message sent at <paramref name="sentAt"/> is not requeued without force, for operators.</summary>
    public string Refusal(DateTimeOffset sentAt) =>
        $"It was sent at {sentAt:u}, {(time.GetUtcNow() - sentAt).TotalDays:0.#} day(s) ago, longer ago than the inbox " +
        $"retention ({Retention}): the receiver's inbox no longer remembers it, so if it was consumed after all it " +
        "would be consumed twice.";
}
