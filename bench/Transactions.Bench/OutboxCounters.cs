using System.Diagnostics.Metrics;
using Transactions.Outbox.Delivery;

namespace Transactions.Bench;

/// <summary>
/// Listens to the outbox's counters in this process: how many messages were sent at commit or by a delivery round
/// (<c>outbox.messages.delivered</c>) and how many were left to the delivery service at commit.
/// </summary>
sealed class OutboxCounters : IDisposable
{
    readonly MeterListener _listener = new();
    long _delivered, _leftToDelivery;

    public OutboxCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OutboxMetrics.MeterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "outbox.messages.delivered")
                Interlocked.Add(ref _delivered, value);
            else if (instrument.Name == "outbox.messages.left_to_delivery")
                Interlocked.Add(ref _leftToDelivery, value);
        });
        _listener.Start();
    }

    public (long Delivered, long LeftToDelivery) Read() =>
        (Interlocked.Read(ref _delivered), Interlocked.Read(ref _leftToDelivery));

    public void Dispose() => _listener.Dispose();
}
