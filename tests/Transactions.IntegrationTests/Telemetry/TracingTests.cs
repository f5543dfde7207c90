using System.Diagnostics;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Telemetry;

public sealed class TracingTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    public sealed record TracingProbe(Guid ProbeId);

    [Fact]
    public async Task Http_requests_bus_messages_and_database_commands_are_traced()
    {
        var spans = new List<Activity>();
        await using var coordinator = await CoordinatorHost.StartAsync(services, TracingOn);
        await using var host = Traced(coordinator, spans);
        using var client = host.CreateClient();

        // The request is an HTTP span, the publish a MassTransit one; readiness and the gauges query the database.
        Assert.True((await client.GetAsync("/openapi/v1.json")).IsSuccessStatusCode);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            await host.Services.GetRequiredService<IBus>().Publish(new TracingProbe(Guid.NewGuid()), timeout.Token);

        await Eventually.Until(() => Task.FromResult(Snapshot(spans)), s =>
                s.Any(a => a.Source.Name == "Microsoft.AspNetCore" && a.Kind == ActivityKind.Server &&
                           a.GetTagItem("url.path") as string == "/openapi/v1.json") &&
                s.Any(a => a.Source.Name == "MassTransit" && a.Kind == ActivityKind.Producer) &&
                s.Any(a => a.Source.Name == "Npgsql"),
            TimeSpan.FromSeconds(30), "an HTTP server span, a MassTransit producer span and an Npgsql span are exported");
    }

    [Fact]
    public async Task Health_probes_are_not_traced()
    {
        var spans = new List<Activity>();
        await using var coordinator = await CoordinatorHost.StartAsync(services, TracingOn);
        await using var host = Traced(coordinator, spans);
        using var client = host.CreateClient();

        await client.GetAsync("/health/live");
        Assert.True((await client.GetAsync("/openapi/v1.json")).IsSuccessStatusCode);

        await Eventually.Until(() => Task.FromResult(Snapshot(spans)),
            s => s.Any(a => a.GetTagItem("url.path") as string == "/openapi/v1.json"),
            TimeSpan.FromSeconds(30), "the document request is traced");
        Assert.DoesNotContain(Snapshot(spans), a => (a.GetTagItem("url.path") as string)?.StartsWith("/health") == true);
    }

    static readonly Dictionary<string, string?> TracingOn = new() { ["Telemetry:Tracing"] = "true" };

    [Theory]
    [InlineData(null, false)]
    [InlineData("http://127.0.0.1:4317", true)]
    public async Task Traces_are_recorded_only_when_something_exports_them(string? otlpEndpoint, bool recorded)
    {
        await using var coordinator = await CoordinatorHost.StartAsync(services,
            new() { ["Telemetry:OtlpEndpoint"] = otlpEndpoint });
        Assert.Equal(recorded, coordinator.Services.GetService<TracerProvider>() is not null);
    }

    /// <summary>The coordinator, its spans also collected into <paramref name="spans"/> as each ends.</summary>
    static WebApplicationFactory<CoordinatorAssembly> Traced(ServiceHost<CoordinatorAssembly> coordinator, List<Activity> spans) =>
        coordinator.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new Collector(spans)))));

    /// <summary>
    /// Adds each ended span under the list's lock: spans end on many threads while the test copies the list, and an
    /// unsynchronised add during the copy breaks it.
    /// </summary>
    sealed class Collector(List<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            lock (spans)
                spans.Add(data);
        }
    }

    static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans)
            return [.. spans];
    }
}
