using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.DependencyInjection;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Sagas;

namespace Transactions.IntegrationTests.Sagas;

public sealed class SagaQueriesTests(IsolatedServices services) : IClassFixture<IsolatedServices>, IAsyncLifetime
{
    static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    string _database = "";
    CounterSagaHost _host = null!;

    public async Task InitializeAsync()
    {
        // xUnit creates the class once per test: each test gets a database of its own.
        _database = await CounterSagaHost.CreateDatabaseAsync(services, "q" + Guid.NewGuid().ToString("N")[..10]);
        _host = await CounterSagaHost.StartAsync(services, _database);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Find_returns_the_saga_by_id_and_null_for_an_unknown_id()
    {
        var saga = await SeedAsync(("Counting", T0));

        await using var scope = _host.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<ISagaQueries<CounterState>>();

        var found = await queries.FindAsync(saga[0].CorrelationId);
        Assert.NotNull(found);
        Assert.Equal("Counting", found.CurrentState);
        Assert.Equal(T0, found.UpdatedAt);
        Assert.Null(await queries.FindAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task In_state_returns_only_that_state_oldest_change_first_up_to_the_limit()
    {
        var seeded = await SeedAsync(("Paused", T0.AddMinutes(3)), ("Paused", T0.AddMinutes(1)),
            ("Paused", T0.AddMinutes(1)), ("Paused", T0.AddMinutes(2)), ("Counting", T0));

        await using var scope = _host.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<ISagaQueries<CounterState>>();
        var page = await queries.InStateAsync("Paused", 3);

        // Ties on updated_at are broken by correlation id in PostgreSQL's uuid order (that of the canonical text).
        var expected = seeded.Where(s => s.CurrentState == "Paused").OrderBy(s => s.UpdatedAt)
            .ThenBy(s => s.CorrelationId.ToString(), StringComparer.Ordinal).Take(3).Select(s => s.CorrelationId);
        Assert.Equal(expected, page.Select(s => s.CorrelationId));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queries.InStateAsync("Paused", 0));
    }

    [Fact]
    public async Task No_progress_since_returns_sagas_unchanged_before_the_cutoff_outside_the_excluded_states()
    {
        var seeded = await SeedAsync(("Stuck", T0.AddDays(-2)), ("Waiting", T0.AddDays(-1)),
            ("Completed", T0.AddDays(-3)), ("Stuck", T0), ("Waiting", T0.AddDays(1)));

        await using var scope = _host.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<ISagaQueries<CounterState>>();
        var stale = await queries.NoProgressSinceAsync(T0, ["Completed"], 10);

        // Updated exactly at the cutoff counts as progress; "Completed" is excluded however old.
        Assert.Equal([seeded[0].CorrelationId, seeded[1].CorrelationId], stale.Select(s => s.CorrelationId));
        Assert.Single(await queries.NoProgressSinceAsync(T0, ["Completed"], 1));
    }

    [Fact]
    public async Task MassTransit_load_and_query_repositories_read_the_same_rows()
    {
        var seeded = await SeedAsync(("Counting", T0), ("Counting", T0.AddMinutes(1)));
        seeded[1].Count = 7;
        await using (var db = CounterSagaHost.CreateDbContext(_database))
        {
            db.Update(seeded[1]);
            await db.SaveChangesAsync();
        }

        var loaded = await _host.Services.GetRequiredService<ILoadSagaRepository<CounterState>>().Load(seeded[0].CorrelationId);
        var found = await _host.Services.GetRequiredService<IQuerySagaRepository<CounterState>>()
            .Find(new SagaQuery<CounterState>(s => s.Count == 7));

        Assert.Equal(seeded[0].CorrelationId, loaded?.CorrelationId);
        Assert.Equal([seeded[1].CorrelationId], found);
    }

    /// <summary>Inserts sagas directly, each in its own state and last changed at a chosen time.</summary>
    async Task<List<CounterState>> SeedAsync(params (string State, DateTimeOffset UpdatedAt)[] rows)
    {
        await using var db = CounterSagaHost.CreateDbContext(_database);
        var sagas = rows.Select(r => new CounterState
        {
            CorrelationId = Guid.NewGuid(), CurrentState = r.State, Version = 1, CreatedAt = r.UpdatedAt.AddHours(-1),
            UpdatedAt = r.UpdatedAt,
        }).ToList();
        db.AddRange(sagas);
        await db.SaveChangesAsync();
        return sagas;
    }
}
