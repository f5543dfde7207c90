using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.Outbox.Delivery;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// Reads one outbox counter (<c>outbox.messages.delivered</c>, <c>outbox.messages.left_to_delivery</c>, ...) per host:
/// meters are scoped to a host's meter factory, so a test with several instances in one process can tell which of
/// them did the work.
/// </summary>
sealed class HostCounter : IDisposable
{
    readonly MeterListener _listener = new();
    readonly ConcurrentDictionary<object, long> _totals = new();

    public HostCounter(string instrumentName, params IHost[] hosts)
    {
        var factories = hosts.Select(h => (object)h.Services.GetRequiredService<IMeterFactory>()).ToHashSet();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OutboxMetrics.MeterName && instrument.Name == instrumentName
                && instrument.Meter.Scope is { } scope && factories.Contains(scope))
                listener.EnableMeasurementEvents(instrument, scope);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, scope) =>
            _totals.AddOrUpdate(scope!, value, (_, total) => total + value));
        _listener.Start();
    }

    public long Of(IHost host) => _totals.GetValueOrDefault(host.Services.GetRequiredService<IMeterFactory>());

    public void Dispose() => _listener.Dispose();
}
