using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Transactions.ServiceDefaults.Persistence;

/// <summary>
/// Applies migrations while the host is starting, before any hosted service (the bus among them) starts, when
/// <c>Database:MigrateOnStartup</c> is true: the development and test default. Production runs <c>migrate</c>.
/// </summary>
internal sealed class MigrateOnStartup(IServiceProvider services, IConfiguration configuration) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) =>
        configuration.GetValue("Database:MigrateOnStartup", false)
            ? ServiceRunner.MigrateAsync(services, cancellationToken)
            : Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
