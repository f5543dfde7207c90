using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Sagas;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>
/// One bus instance with the counter saga on the PostgreSQL repository, on the test class's vhost and a database of
/// the test's own. Start two on the same database to get competing consumers on the saga's queue.
/// </summary>
public sealed class CounterSagaHost : IAsyncDisposable
{
    /// <summary>The saga's queue (kebab-case of the saga state's name).</summary>
    public const string QueueName = "counter-state";

    readonly ServiceProvider _provider;

    CounterSagaHost(ServiceProvider provider) => _provider = provider;

    public IBus Bus => _provider.GetRequiredService<IBus>();

    public IServiceProvider Services => _provider;

    /// <summary>Creates a database for the saga table and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(IsolatedServices services, string name)
    {
        var connectionString = await services.CreateDatabaseAsync(name);
        await using var db = CreateDbContext(connectionString);
        await db.Database.EnsureCreatedAsync();
        return connectionString;
    }

    public static CounterDbContext CreateDbContext(string connectionString) =>
        new(new DbContextOptionsBuilder<CounterDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);

    public static async Task<CounterSagaHost> StartAsync(IsolatedServices services, string connectionString,
        int concurrentMessageLimit = 8, Action<IServiceCollection>? configureServices = null)
    {
        var collection = new ServiceCollection();
        collection.AddDbContext<CounterDbContext>(o => o.UseNpgsql(connectionString).UseSnakeCaseNamingConvention());
        configureServices?.Invoke(collection);
        collection.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            x.AddSagaStateMachine<CounterStateMachine, CounterState>().PostgresRepository<CounterDbContext>();
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(services.Servers.Amqp.Host, (ushort)services.Servers.Amqp.Port, services.VirtualHost, h =>
                {
                    h.Username(services.Servers.RabbitUser);
                    h.Password(services.Servers.RabbitPassword);
                    h.PublisherConfirmation = true;
                });
                cfg.PrefetchCount = concurrentMessageLimit * 2;
                cfg.ConcurrentMessageLimit = concurrentMessageLimit;
                cfg.ConfigureEndpoints(context);
            });
        });
        var provider = collection.BuildServiceProvider(validateScopes: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await provider.GetRequiredService<IBusControl>().StartAsync(timeout.Token);
        return new CounterSagaHost(provider);
    }

    /// <summary>Reads the saga's row as it is now, or null.</summary>
    public static async Task<CounterState?> ReadAsync(string connectionString, Guid counterId)
    {
        await using var db = CreateDbContext(connectionString);
        return await db.Set<CounterState>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == counterId);
    }

    /// <summary>
    /// Messages in the saga's error queue: 0 when MassTransit never declared it (it does so on the first fault).
    /// </summary>
    public static async Task<long> ErrorQueueDepthAsync(IsolatedServices services)
    {
        using var response = await services.Management.GetAsync($"api/queues/{services.VirtualHost}/{QueueName}_error");
        if (response.StatusCode == HttpStatusCode.NotFound)
            return 0;
        response.EnsureSuccessStatusCode();
        var queue = await response.Content.ReadFromJsonAsync<JsonElement>();
        return queue.TryGetProperty("messages", out var messages) ? messages.GetInt64() : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.GetRequiredService<IBusControl>().StopAsync(TimeSpan.FromSeconds(30));
        await _provider.DisposeAsync();
    }
}
