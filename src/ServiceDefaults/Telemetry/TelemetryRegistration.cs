using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Transactions.ServiceDefaults.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>ActivitySource and Meter of MassTransit; ActivitySource of Npgsql.</summary>
    public const string MassTransitSource = "MassTransit";
    public const string NpgsqlSource = "Npgsql";

    /// <summary>
    /// OpenTelemetry traces (HTTP in and out, MassTransit, Npgsql, with the saga id on spans) and metrics (HTTP,
    /// runtime, MassTransit, and every meter a capability adds with <c>ConfigureOpenTelemetryMeterProvider</c>),
    /// exported per <see cref="TelemetryOptions"/>.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new();
        builder.Services.AddSingleton(options);
        var otlp = options.OtlpEndpoint is not null ||
                   !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName));
        if (options.Tracing ?? otlp)
            telemetry.WithTracing(tracing =>
            {
                tracing.AddProcessor(new SagaIdSpanProcessor())
                    .AddAspNetCoreInstrumentation(o =>
                    {
                        // Probes and scrapes would drown the traces that matter.
                        o.Filter = context => !IsOperational(context.Request.Path);
                        o.EnrichWithHttpResponse = SagaIdSpanProcessor.EnrichHttp;
                    })
                    .AddHttpClientInstrumentation()
                    .AddSource(MassTransitSource, NpgsqlSource);
                if (otlp)
                    tracing.AddOtlpExporter(o => SetEndpoint(o, options));
            });
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(MassTransitSource);
            if (options.PrometheusEnabled)
                metrics.AddPrometheusExporter();
            if (otlp)
                metrics.AddOtlpExporter(o => SetEndpoint(o, options));
        });
        return builder;
    }

    /// <summary><c>GET /metrics</c> in the Prometheus text format, anonymous like health, when enabled.</summary>
    public static WebApplication UseTelemetry(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TelemetryOptions>().PrometheusEnabled)
            app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }

    public const string MetricsPath = "/metrics";

    static bool IsOperational(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);

    static void SetEndpoint(OpenTelemetry.Exporter.OtlpExporterOptions exporter, TelemetryOptions options)
    {
        if (options.OtlpEndpoint is not null)
            exporter.Endpoint = options.OtlpEndpoint;
    }
}
