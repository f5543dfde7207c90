using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.ServiceDefaults.Configuration;

/// <summary>
/// Once the service listens, one line saying where, and which broker and databases it uses (never a password), so a
/// newcomer sees at a glance what a process is connected to.
/// </summary>
internal sealed class StartupSummary(IServer server, IHostEnvironment environment, IOptions<RabbitMqOptions> broker,
    IEnumerable<DatabaseMigration> databases, IOptionsMonitor<DatabaseConnection> connections,
    ILogger<StartupSummary> logger) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var rabbit = broker.Value;
        logger.LogInformation(
            "{Service} ({Environment}) listens on {Addresses}; broker {BrokerNodes} virtual host " +
            "'{VirtualHost}' as {BrokerUser}; databases {Databases}",
            environment.ApplicationName, environment.EnvironmentName, string.Join(", ", addresses), rabbit.Describe(),
            rabbit.VirtualHost, rabbit.Username, string.Join(", ", databases.Select(Describe)));
        return Task.CompletedTask;
    }

    string Describe(DatabaseMigration database)
    {
        var connection = new NpgsqlConnectionStringBuilder(connections.Get(database.ConnectionName).ConnectionString);
        return $"{database.ConnectionName}={connection.Database} on {connection.Host}:{connection.Port} as {connection.Username}";
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
