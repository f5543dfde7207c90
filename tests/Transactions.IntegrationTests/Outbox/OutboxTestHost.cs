using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>
/// An application process for the outbox tests: the ledger database with its outbox, the bus on the class's vhost
/// (optionally through a <see cref="TcpProxy"/>), the consumers a test names, and the inbox on every endpoint.
/// </summary>
public static class OutboxTestHost
{
    public const string ConnectionName = "Ledger";

    public static async Task<IHost> StartAsync(IsolatedServices services, string connectionString,
        Action<IBusRegistrationConfigurator> consumers, Action<PostgresOutboxOptions>? outbox = null,
        int? brokerPort = null, bool waitForBus = true, bool groupCommit = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        var settings = services.BrokerSettings();
        settings[$"ConnectionStrings:{ConnectionName}"] = connectionString;
        if (brokerPort is { } port)
            settings["RabbitMq:Port"] = port.ToString();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        builder.Services.AddSingleton<Deliveries>();
        builder.Services.AddSingleton<ArrivalOrder>();
        builder.AddPostgresDbContext<LedgerDbContext>(ConnectionName);
        builder.AddTransactionsBus(x =>
        {
            x.AddPostgresOutbox<LedgerDbContext>(o =>
            {
                // Short enough that a test of a few seconds sees backoff and recovery more than once.
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
                o.RetryMaxDelay = TimeSpan.FromSeconds(1);
                o.DeliveryTimeout = TimeSpan.FromSeconds(3);
                outbox?.Invoke(o);
            });
            x.AddConfigureEndpointsCallback((context, _, endpoint) => endpoint.UsePostgresOutbox<LedgerDbContext>(context, groupCommit));
            consumers(x);
        });

        var host = builder.Build();
        await host.StartAsync();
        // The bus starts in the background; a test that publishes before the queues are bound would lose messages.
        if (waitForBus)
        {
            var status = await host.Services.GetRequiredService<IBusControl>()
                .WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
            Assert.Equal(BusHealthStatus.Healthy, status);
        }
        return host;
    }

    /// <summary>Creates the ledger schema (business table, outbox, inbox) in a fresh database.</summary>
    public static async Task<string> CreateLedgerDatabaseAsync(IsolatedServices services, string name)
    {
        // A database per call: tests of one class share the fixture but not their data.
        var connectionString = await services.CreateDatabaseAsync($"{name}_{Guid.NewGuid().ToString("N")[..8]}");
        await using var db = Open(connectionString);
        await db.Database.EnsureCreatedAsync();
        return connectionString;
    }

    /// <summary>A context outside any host, for the test's own reads.</summary>
    public static LedgerDbContext Open(string connectionString) => new(new DbContextOptionsBuilder<LedgerDbContext>()
        .UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);

    /// <summary>Publishes the probes through the outbox of a request-like DI scope and commits them with SaveChanges.</summary>
    public static async Task CommitProbesAsync(IHost host, IReadOnlyCollection<Guid> references)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        foreach (var reference in references)
            await publish.Publish(new OutboxProbe(reference));
        await db.SaveChangesAsync();
    }

    public static async Task<int> PendingOutboxRowsAsync(string connectionString)
    {
        await using var db = Open(connectionString);
        return await db.Set<Transactions.Outbox.Outbox.OutboxMessage>().CountAsync();
    }
}
