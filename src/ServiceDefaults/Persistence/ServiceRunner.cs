using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Transactions.ServiceDefaults.Persistence;

public static class ServiceRunner
{
    /// <summary>
    /// <c>migrate</c> as the first argument applies every registered database's migrations and exits (the production
    /// way); otherwise the service runs until stopped, migrating first when <c>Database:MigrateOnStartup</c> is true
    /// (see <see cref="MigrateOnStartup"/>).
    /// </summary>
    public static async Task<int> RunServiceAsync(this WebApplication app, string[] args)
    {
        if (args.Length > 0 && args[0] == "migrate")
        {
            await MigrateAsync(app.Services, CancellationToken.None);
            return 0;
        }
        await app.RunAsync();
        return 0;
    }

    /// <summary>Applies every registered migration, retrying with backoff for a database that is still starting.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServiceRunner));
        foreach (var migration in services.GetServices<DatabaseMigration>())
        {
            var delay = TimeSpan.FromMilliseconds(250);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await migration.Apply(services, cancellationToken);
                    logger.LogInformation("Database {Database} is migrated", migration.Name);
                    break;
                }
                catch (NpgsqlException e) when (attempt < 8 && e.IsTransient)
                {
                    logger.LogWarning("Database {Database} not reachable (attempt {Attempt}): {Error}", migration.Name,
                        attempt, e.Message);
                    await Task.Delay(delay, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                }
            }
        }
    }
}
