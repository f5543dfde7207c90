using System.Diagnostics;
using System.Diagnostics.Metrics;
using Transactions.Outbox.Delivery;

namespace Transactions.Bench.Outbox;

/// <summary>
/// Follows the outbox's <c>outbox.messages.delivered</c> counter to time when the last message was confirmed by the
/// broker, which separates the outbox's own rate from the consumer's.
/// </summary>
public sealed class BrokerConfirmations : IDisposable
{
    readonly MeterListener _listener = new();
    readonly int _expected;
    readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    long _confirmed;

    public BrokerConfirmations(int expected)
    {
        _expected = expected;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OutboxMetrics.MeterName && instrument.Name == "outbox.messages.delivered")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            if (Interlocked.Add(ref _confirmed, value) >= _expected && AllConfirmedAt == 0)
            {
                AllConfirmedAt = Stopwatch.GetTimestamp();
                _all.TrySetResult();
            }
        });
        _listener.Start();
    }

    /// <summary>Stopwatch timestamp of the confirmation that completed the run; 0 until then.</summary>
    public long AllConfirmedAt { get; private set; }

    /// <summary>Completes when every expected message has been confirmed and its row removed.</summary>
    public Task AllConfirmed => _all.Task;

    public void Dispose() => _listener.Dispose();
}
