using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Transactions.ServiceDefaults.Health;

namespace Transactions.ServiceDefaults.Persistence;

public static class DatabaseRegistration
{
    /// <summary>Where EF Core records the applied migrations: snake_case like every other table of the services.</summary>
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>
    /// Registers <typeparamref name="TContext"/> on PostgreSQL from <c>ConnectionStrings:{connectionName}</c>, with a
    /// readiness check; its migrations are applied by <see cref="ServiceRunner"/>.
    /// </summary>
    public static IHostApplicationBuilder AddPostgresDbContext<TContext>(this IHostApplicationBuilder builder,
        string connectionName)
        where TContext : DbContext
    {
        // Read when first needed, not now, so that configuration added after this call (tests, hosts) still counts;
        // ValidateOnStart still stops a process whose connection string is missing.
        builder.Services.AddOptions<DatabaseConnection>(connectionName)
            .Configure<IConfiguration>((o, configuration) => o.ConnectionString = configuration.GetConnectionString(connectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString),
                $"ConnectionStrings:{connectionName} is not set (environment variable ConnectionStrings__{connectionName}).")
            .ValidateOnStart();
        // Pooled: the options are built once and a context is reused, not built with its internal services for every
        // scope (a consumed message, a request, a delivery round), which was a large share of the CPU of a small
        // transaction. Everything the options hold is process-wide; a context goes back to the pool reset.
        builder.Services.AddDbContextPool<TContext>((services, o) => o
            .UseNpgsql(PostgresConnectionDefaults.Apply(
                    services.GetRequiredService<IOptionsMonitor<DatabaseConnection>>().Get(connectionName).ConnectionString!),
                npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable))
            .UseSnakeCaseNamingConvention()
            // A failed statement is its caller's to report, once, knowing whether it is expected: a saga message that
            // lost a race to another instance is retried (MassTransit logs the retry), a real fault reaches _error or
            // the API's error handler with its exception. EF Core's own error lines, each with a stack trace, cost more
            // CPU than the conflict itself where several instances share a queue. A query that fails while its rows are
            // read (a row lock timing out in a group commit) is logged by the query as well as by the command.
            .ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug), (CoreEventId.QueryIterationFailed, LogLevel.Debug))));
        builder.Services.AddHealthChecks().AddDbContextCheck<TContext>($"database-{connectionName.ToLowerInvariant()}",
            tags: [HealthEndpoints.ReadyTag]);
        builder.Services.AddSingleton(new DatabaseMigration(typeof(TContext).Name, connectionName, async (services, ct) =>
        {
            await DatabaseCreation.EnsureExistsAsync(
                services.GetRequiredService<IOptionsMonitor<DatabaseConnection>>().Get(connectionName).ConnectionString!,
                services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseCreation)), ct);
            await using var scope = services.CreateAsyncScope();
            var context = scope.ServiceProvider.GetRequiredService<TContext>();
            var database = context.Database;
            var timeout = services.GetRequiredService<IConfiguration>()
                .GetValue("Database:MigrationLockTimeout", MigrationLock.DefaultTimeout);
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrationLock));
            await MigrationLock.RunAsync(database.GetConnectionString()!, timeout, logger, async token =>
            {
                // On a new database EF Core reads the history table before it creates it, and logs that read as a
                // failed command (npgsql/efcore.pg#3407): created first, the read finds it empty and the first start
                // logs no error.
                await context.GetService<IHistoryRepository>().CreateIfNotExistsAsync(token);
                // MigrateAsync first compares the model with the migrations' snapshot, building and diffing both
                // (EF Core 9 and later refuse to migrate a model that no migration describes): about a tenth of the
                // CPU of a start, paid again on every start of an up-to-date database. That comparison is made by
                // the unit tests instead (ModelMatchesMigrationsTests); with nothing pending there is nothing to do.
                if ((await database.GetPendingMigrationsAsync(token)).Any())
                    await database.MigrateAsync(token);
            }, ct);
        }));
        return builder;
    }
}
