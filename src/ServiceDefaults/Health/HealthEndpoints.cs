using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Transactions.ServiceDefaults.Health;

public static class HealthEndpoints
{
    /// <summary>Checks tagged with this take part in <c>/health/ready</c>. MassTransit tags its bus check "ready" too.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// The name on the broker (management UI, <c>rabbitmqctl list_connections</c>) of the one connection the
    /// readiness probes share.
    /// </summary>
    public const string BrokerConnectionName = "health-check";

    /// <summary>
    /// <c>GET /health/live</c>: the process answers. <c>GET /health/ready</c>: broker connected and databases reachable;
    /// 503 otherwise, also when merely degraded, because a degraded bus cannot deliver. Both anonymous, for probes;
    /// why a check failed is shown to callers with an API key only (see <see cref="HealthResponseWriter"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = HealthResponseWriter.WriteJson,
        }).AllowAnonymous();
        return app;
    }
}
