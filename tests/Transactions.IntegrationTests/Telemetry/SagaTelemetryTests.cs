using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Coordinator.Telemetry;
using Transactions.IntegrationTests.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Telemetry;

/// <summary>A real bank transfer, coordinator and bank in-process, seen through its spans and the coordinator's metrics.</summary>
public sealed class SagaTelemetryTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task A_transfer_is_counted_per_workflow_and_its_spans_carry_the_saga_id()
    {
        await using var system = await BankTransferSystem.StartAsync(services,
            configureCoordinator: c => c["Telemetry:Tracing"] = "true");
        await system.OpenAccountAsync("alice", 100m);
        await system.OpenAccountAsync("bob", 0m);
        // Added after the hosts started, so it hears each span after the hosts' own telemetry has enriched it.
        var spans = new List<Activity>();
        using var listener = SpanListener(spans);
        var counts = new Dictionary<string, long>();
        using var meter = CounterListener(system.CoordinatorServices.GetRequiredService<IMeterFactory>(), counts);

        var sagaId = await system.StartTransferAsync("alice", "bob", 12.50m);
        await system.TerminalSagaAsync(sagaId);

        var id = sagaId.ToString("D");
        await Eventually.Until(() => Task.FromResult(Snapshot(spans)), s =>
                s.Any(a => a.Kind == ActivityKind.Server && a.GetTagItem("http.request.method") as string == "POST" &&
                           a.GetTagItem("saga.id") as string == id) &&
                s.Any(a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Consumer &&
                           a.GetTagItem("saga.id") as string == id),
            TimeSpan.FromSeconds(30), "the start request and a saga consume span carry saga.id");

        var scrape = await Eventually.Until(() => system.Coordinator.GetStringAsync("/metrics"),
            text => text.Contains("transactions_sagas_completed_total{") &&
                    text.Contains("transactions_sagas_oldest_active_age_seconds{") &&
                    text.Contains("transactions_outbox_backlog"),
            TimeSpan.FromSeconds(30), "the scrape shows saga counters and the database gauges");
        Assert.Contains("workflow=\"bank-transfer\"", string.Join('\n', Line(scrape, "transactions_sagas_completed_total{")));

        // One saga, counted once, also when a confirmation was retried after a concurrency conflict. Counted on this
        // coordinator's own meter: other classes' coordinators run in this process too.
        lock (counts)
            Assert.Equal((1L, 1L, 0L), (counts.GetValueOrDefault("transactions.sagas.started"),
                counts.GetValueOrDefault("transactions.sagas.completed"), counts.GetValueOrDefault("transactions.sagas.compensated")));
    }

    static IEnumerable<string> Line(string scrape, string prefix) =>
        scrape.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal));

    static MeterListener CounterListener(IMeterFactory coordinatorMeters, Dictionary<string, long> counts)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == coordinatorMeters && instrument.Meter.Name == SagaMetrics.MeterName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (counts) counts[instrument.Name] = counts.GetValueOrDefault(instrument.Name) + value;
        });
        listener.Start();
        return listener;
    }

    static ActivityListener SpanListener(List<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans) spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
            return [.. spans];
    }
}
