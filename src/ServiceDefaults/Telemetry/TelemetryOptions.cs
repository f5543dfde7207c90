namespace Transactions.ServiceDefaults.Telemetry;

/// <summary>
/// Settings under <c>Telemetry</c>. Traces and metrics go to an OTLP collector when <see cref="OtlpEndpoint"/> (or the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) is set; metrics are also scraped at <c>GET /metrics</c> unless
/// <see cref="PrometheusEnabled"/> is false. Traces are recorded only when something takes them (see
/// <see cref="Tracing"/>).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>For example <c>http://otel-collector:4317</c> (gRPC) or <c>http://otel-collector:4318</c> with protocol http/protobuf.</summary>
    public Uri? OtlpEndpoint { get; set; }

    public bool PrometheusEnabled { get; set; } = true;

    /// <summary>
    /// Record traces. Unset, they are recorded when an OTLP endpoint is configured and not otherwise: every message
    /// and SQL statement would make spans that nothing reads, a sixth of the process's CPU per bank transfer. Set it to
    /// true for a tracer added in code (a test's collector, another exporter).
    /// </summary>
    public bool? Tracing { get; set; }

    /// <summary>How often gauges that need a database query (sagas by state, outbox backlog) are read.</summary>
    public int GaugeIntervalSeconds { get; set; } = 15;
}
