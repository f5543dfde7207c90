using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Transactions.ServiceDefaults.Configuration;
using Transactions.ServiceDefaults.Health;
using Transactions.ServiceDefaults.Memory;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Problem details for every error response, the health checks every service has, migrations at start-up where
    /// configured, the start-up line saying what the service uses, and the memory start-up used given back once it
    /// has settled.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks();
        builder.Services.AddHostedService<MigrateOnStartup>();
        builder.Services.AddHostedService<StartupSummary>();
        builder.Services.AddHostedService<StartupMemoryTrim>();
        return builder;
    }

    /// <summary>
    /// Checks every setting validated at start-up, so that all bad ones are reported together before anything
    /// resolves a single options class; turns unhandled exceptions and bare status codes into RFC 9457 problem
    /// details; maps health.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthEndpoints();
        return app;
    }
}
