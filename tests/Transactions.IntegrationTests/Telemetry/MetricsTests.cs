using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Coordinator.Telemetry;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Telemetry;

public sealed class MetricsTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly string[] CoordinatorInstruments =
    [
        "transactions.sagas.started", "transactions.sagas.completed", "transactions.sagas.compensated",
        "transactions.sagas.ended", "transactions.sagas.active", "transactions.sagas.oldest_active_age",
        "transactions.outbox.backlog", "transactions.outbox.oldest_age", "transactions.reconciliation.findings",
    ];

    [Fact]
    public async Task The_coordinator_meter_publishes_its_instruments()
    {
        var published = new HashSet<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == SagaMetrics.MeterName)
                    lock (published) published.Add(instrument.Name);
            },
        };
        listener.Start();
        await using var host = await CoordinatorHost.StartAsync(services);
        using var client = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

        lock (published)
            Assert.Superset(CoordinatorInstruments.ToHashSet(), published);
    }

    [Fact]
    public async Task The_prometheus_endpoint_answers_anonymously_with_http_bus_and_saga_metrics()
    {
        await using var host = await CoordinatorHost.StartAsync(services);
        using var client = host.CreateClient();
        Assert.True((await client.GetAsync("/openapi/v1.json")).IsSuccessStatusCode);
        host.Services.GetRequiredService<SagaMetrics>().ReconciliationFinding("overdue-sagas", "overdue");

        using var anonymous = host.CreateAnonymousClient();
        var scrape = await Eventually.Until(async () =>
            {
                using var response = await anonymous.GetAsync("/metrics");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await response.Content.ReadAsStringAsync();
            }, text => text.Contains("http_server_request_duration_seconds") &&
                       text.Contains("transactions_reconciliation_findings_total"),
            TimeSpan.FromSeconds(30), "the scrape shows the HTTP and coordinator metrics");

        Assert.Contains("check=\"overdue-sagas\"", scrape);
        Assert.Contains("kind=\"overdue\"", scrape);
    }
}
