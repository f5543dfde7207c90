using System.Diagnostics.Metrics;
using Transactions.Outbox.Delivery;

namespace Transactions.Bench;

/// <summary>
/// Listens to the outbox's counters in this process: how many messages were sent at commit or by a delivery round
/// (<c>outbox.messages.delivered</c>), how many were left to the delivery service at commit, and how many saga messages
/// lost a race for their saga row and were tried again (<c>outbox.saga.conflicts</c>), over every host in the process.
/// </summary>
sealed class OutboxCounters : IDisposable
{
    readonly MeterListener _listener = new();
    long _delivered, _leftToDelivery, _sagaConflicts;

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
            else if (instrument.Name == "outbox.saga.conflicts")
                Interlocked.Add(ref _sagaConflicts, value);
        });
        _listener.Start();
    }

    public (long Delivered, long LeftToDelivery, long SagaConflicts) Read() =>
        (Interlocked.Read(ref _delivered), Interlocked.Read(ref _leftToDelivery), Interlocked.Read(ref _sagaConflicts));

    public void Dispose() => _listener.Dispose();
}
