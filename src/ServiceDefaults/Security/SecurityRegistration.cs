using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Security;

public static class SecurityRegistration
{
    /// <summary>
    /// API key authentication, the <see cref="Policies"/> (reader being also the fallback for endpoints that name
    /// none) and the write rate limiter, from <see cref="SecurityOptions"/>, validated at start-up.
    /// </summary>
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
                ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<SecurityOptions>>((authorization, security) =>
        {
            authorization.AddPolicy(Policies.Starter, p => p.RequireRole(Roles.Starter));
            authorization.AddPolicy(Policies.Operator, p => p.RequireRole(Roles.Operator));
            var reader = security.Value.AllowAnonymousReads
                ? new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build()
                : new AuthorizationPolicyBuilder().RequireRole(Roles.All).Build();
            authorization.AddPolicy(Policies.Reader, reader);
            authorization.FallbackPolicy = reader;
        });
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>>((limiter, security) =>
        {
            var limits = security.Value;
            limiter.AddPolicy(Policies.WriteRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                CallerKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.WritePermitLimit,
                    Window = TimeSpan.FromSeconds(limits.WriteWindowSeconds),
                    QueueLimit = 0,
                }));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
        return builder;
    }

    /// <summary>Authentication, authorization, the write rate limit and body size limit, in that order.</summary>
    public static IApplicationBuilder UseSecurity(this IApplicationBuilder app) => app
        .UseAuthentication()
        .Use(RefuseUnknownKeysAsync)
        .UseAuthorization()
        .UseRateLimiter()
        .UseWriteBodyLimit();

    /// <summary>
    /// A key that was presented and not recognised is refused with 401 on every endpoint, also where anonymous callers
    /// are let in: a caller with a mistyped key must learn it, not be served as anonymous.
    /// </summary>
    static async Task RefuseUnknownKeysAsync(HttpContext context, Func<Task> next)
    {
        if (ApiKeyAuthenticationHandler.PresentedKey(context.Request) is not null
            && context.User.Identity?.IsAuthenticated != true)
        {
            await context.ChallengeAsync(ApiKeyAuthenticationHandler.SchemeName);
            return;
        }
        await next();
    }

    // Authorization runs first, so a write caller is known by its key name; anonymous callers share their IP's window.
    static string CallerKey(HttpContext context) => context.User.Identity?.IsAuthenticated == true
        ? "key:" + context.User.Identity.Name
        : "ip:" + context.Connection.RemoteIpAddress;

    static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))
            : 1;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await ProblemResponse.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"The write rate limit is exceeded; retry after {retryAfter} s.");
    }
}
