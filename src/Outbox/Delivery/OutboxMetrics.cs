using System.Diagnostics.Metrics;

namespace Transactions.Outbox.Delivery;

/// <summary>
/// The delivery service's instruments, on meter <see cref="MeterName"/>: how many messages the broker confirmed and
/// how many sends failed and how many messages were dead-lettered, so operators see throughput and outages (and tests see which instance delivered).
/// </summary>
public sealed class OutboxMetrics
{
    /// <summary>The name of the meter the outbox reports on.</summary>
    public const string MeterName = "Transactions.Outbox";

    readonly Counter<long> _delivered;
    readonly Counter<long> _failed;
    readonly Counter<long> _deadLettered;
    readonly Counter<long> _leftToDelivery;
    readonly Histogram<int> _groupCommits;
    readonly Counter<long> _sagaConflicts;

    /// <summary>Creates the instruments on a meter of <paramref name="meterFactory"/>.</summary>
    public OutboxMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _delivered = meter.CreateCounter<long>("outbox.messages.delivered", "{message}",
            "Outbox messages confirmed by the broker and removed from the outbox.");
        _failed = meter.CreateCounter<long>("outbox.messages.failed", "{message}",
            "Outbox message sends that failed and stay in the outbox for a later round.");
        _deadLettered = meter.CreateCounter<long>("outbox.messages.dead_lettered", "{message}",
            "Outbox messages moved to outbox_dead_letter after failing while other messages went through.");
        _leftToDelivery = meter.CreateCounter<long>("outbox.messages.left_to_delivery", "{message}",
            "Committed outbox messages not sent at commit (their conversation had older rows this process was not " +
            "sending, or the send failed), left to the delivery service after the grace period.");
        _groupCommits = meter.CreateHistogram<int>("outbox.group_commit.messages", "{message}",
            "Consumed messages made durable by one commit on endpoints with group commit.");
        _sagaConflicts = meter.CreateCounter<long>("outbox.saga.conflicts", "{attempt}",
            "Saga messages that lost a race for their saga row (changed or inserted by another consumer first) and are " +
            "tried again.");
    }

    internal void Delivered(int count) => _delivered.Add(count);

    internal void Failed(int count) => _failed.Add(count);

    internal void DeadLettered(int count) => _deadLettered.Add(count);

    internal void LeftToDelivery(int count) => _leftToDelivery.Add(count);

    internal void GroupCommitted(int messages) => _groupCommits.Record(messages);

    internal void SagaConflict() => _sagaConflicts.Add(1);
}
