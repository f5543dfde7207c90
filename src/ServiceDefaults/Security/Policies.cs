using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Transactions.ServiceDefaults.Security;

/// <summary>
/// What an endpoint (or a group of endpoints of the same kind) demands of its caller, one call each:
/// <code>
/// app.MapPost("/api/bank-transfers", Start).RequireStarter();
/// app.MapGet("/api/sagas/{id}", Get).RequireReader();
/// app.MapPost("/api/reconciliation/runs", Run).RequireOperator();
/// </code>
/// An endpoint that calls none of them still needs the reader role (the fallback policy), unless it allows anonymous
/// callers itself, as health, metrics and the API documentation do.
/// </summary>
public static class Policies
{
    /// <summary>Starting sagas: the starter role.</summary>
    public const string Starter = Roles.Starter;

    /// <summary>Manual actions and reconciliation runs: the operator role.</summary>
    public const string Operator = Roles.Operator;

    /// <summary>Reads: any role, or anyone when <see cref="SecurityOptions.AllowAnonymousReads"/> is set.</summary>
    public const string Reader = Roles.Reader;

    /// <summary>The rate limiter policy of write endpoints: a fixed window per API key, or per client IP.</summary>
    public const string WriteRateLimit = "writes";

    /// <summary>Starter role, plus the write limits (<see cref="LimitWrites{TBuilder}"/>).</summary>
    public static TBuilder RequireStarter<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Starter).ProducesRefusals().LimitWrites();

    /// <summary>Operator role, plus the write limits (<see cref="LimitWrites{TBuilder}"/>).</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Operator).ProducesRefusals().LimitWrites();

    /// <summary>Reader role (any role), or nothing when anonymous reads are configured.</summary>
    public static TBuilder RequireReader<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Reader).ProducesRefusals();

    /// <summary>
    /// The write rate limit (429 with Retry-After beyond <see cref="SecurityOptions.WritePermitLimit"/>) and the body
    /// size limit (413 beyond <see cref="SecurityOptions.MaxWriteBodyBytes"/>).
    /// </summary>
    public static TBuilder LimitWrites<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(WriteRateLimit).WithMetadata(WriteEndpoint.Instance)
            .WithMetadata(Problem(StatusCodes.Status413PayloadTooLarge), Problem(StatusCodes.Status429TooManyRequests));

    // Documents the refusals, so the OpenAPI document shows them as problem details.
    static TBuilder ProducesRefusals<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Problem(StatusCodes.Status401Unauthorized), Problem(StatusCodes.Status403Forbidden));

    static ProducesResponseTypeMetadata Problem(int status) =>
        new(status, typeof(ProblemDetails), ["application/problem+json"]);
}

/// <summary>Marks an endpoint as a write endpoint, for the body size limit.</summary>
public sealed class WriteEndpoint
{
    public static readonly WriteEndpoint Instance = new();
}
