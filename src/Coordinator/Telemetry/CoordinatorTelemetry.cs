using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using Transactions.ServiceDefaults.Telemetry;

namespace Transactions.Coordinator.Telemetry;

public static class CoordinatorTelemetry
{
    /// <summary>
    /// The shared telemetry (<see cref="TelemetryRegistration.AddTelemetry"/>) plus the coordinator's meter: saga
    /// counters fed by every workflow's transitions, saga and outbox gauges read from the database. Call it before the
    /// bus is added, so the transition observers are connected before the first message is consumed.
    /// </summary>
    public static IHostApplicationBuilder AddCoordinatorTelemetry(this IHostApplicationBuilder builder)
    {
        builder.AddTelemetry();
        builder.Services.AddSingleton<SagaMetrics>();
        builder.Services.AddHostedService<SagaTransitionObservers>();
        builder.Services.AddHostedService<SagaGaugeSampler>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(SagaMetrics.MeterName));
        return builder;
    }
}
