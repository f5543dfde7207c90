using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox;
using Transactions.Outbox.Outbox;
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
        int concurrentMessageLimit = 8, Action<IServiceCollection>? configureServices = null, bool outbox = false,
        bool groupCommit = false)
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        // Interceptors registered by a test (configureServices) see every command the host's contexts run.
        collection.AddDbContext<CounterDbContext>((provider, o) => o.UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention().AddInterceptors(provider.GetServices<IInterceptor>()));
        configureServices?.Invoke(collection);
        collection.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            x.AddSagaStateMachine<CounterStateMachine, CounterState>().PostgresRepository<CounterDbContext>();
            if (outbox)
            {
                // The delivery service is a hosted service, which this host does not start: what the saga sends
                // stays in outbox_message for the test to inspect.
                x.AddPostgresOutbox<CounterDbContext>();
                x.AddConfigureEndpointsCallback((context, _, cfg) => cfg.UsePostgresOutbox<CounterDbContext>(context, groupCommit));
            }
            x.UsingRabbitMq((context, cfg) =>
            {
                services.ConfigureHost(cfg);
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

    /// <summary>Starts a counter through this host and waits until its row exists; returns its id.</summary>
    public async Task<Guid> StartCounterAsync(string connectionString)
    {
        var counterId = Guid.NewGuid();
        await Bus.Publish(new StartCounter(counterId));
        await Eventually.Until(async () => await ReadAsync(connectionString, counterId) is not null,
            TimeSpan.FromSeconds(45), "the saga is started");
        return counterId;
    }

    /// <summary>
    /// Starts one counter on two competing hosts (same queue, same database), publishes <paramref name="events"/>
    /// increments at once through both, and returns the saga once it has counted them all.
    /// </summary>
    public static async Task<CounterState> RaceIncrementsAsync(IsolatedServices services, string connectionString,
        int events, bool outbox = false, bool groupCommit = false)
    {
        await using var first = await StartAsync(services, connectionString, outbox: outbox, groupCommit: groupCommit);
        await using var second = await StartAsync(services, connectionString, outbox: outbox, groupCommit: groupCommit);
        var counterId = await first.StartCounterAsync(connectionString);

        await Task.WhenAll(Enumerable.Range(0, events).Select(i =>
            (i % 2 == 0 ? first : second).Bus.Publish(new IncrementCounter(counterId))));

        var saga = await Eventually.Until(() => ReadAsync(connectionString, counterId), s => s?.Count == events,
            TimeSpan.FromSeconds(45), $"the saga counts all {events} events");
        return saga!;
    }

    /// <summary>Reads the saga's row as it is now, or null.</summary>
    public static async Task<CounterState?> ReadAsync(string connectionString, Guid counterId)
    {
        await using var db = CreateDbContext(connectionString);
        return await db.Set<CounterState>().AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == counterId);
    }

    /// <summary>The counts of the <see cref="CounterIncremented"/> messages in the outbox for this saga, sorted.</summary>
    public static async Task<List<int>> PublishedCountsAsync(string database, Guid counterId)
    {
        await using var db = CreateDbContext(database);
        var bodies = await db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.MessageType.Contains(nameof(CounterIncremented))).Select(m => m.Body).ToListAsync();
        return bodies.Select(body => JsonDocument.Parse(body).RootElement.GetProperty("message"))
            .Where(m => m.GetProperty("counterId").GetGuid() == counterId)
            .Select(m => m.GetProperty("count").GetInt32()).Order().ToList();
    }

    /// <summary>Messages in the saga's error queue: 0 when MassTransit never declared it (it does so on the first fault).</summary>
    public static Task<long> ErrorQueueDepthAsync(IsolatedServices services) =>
        services.QueueDepthAsync($"{QueueName}_error");

    public async ValueTask DisposeAsync()
    {
        await _provider.GetRequiredService<IBusControl>().StopAsync(TimeSpan.FromSeconds(30));
        await _provider.DisposeAsync();
    }
}
