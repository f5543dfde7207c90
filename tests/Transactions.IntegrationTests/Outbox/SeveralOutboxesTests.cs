using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox;
using Transactions.Outbox.Outbox;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>A second application database with an outbox of its own, as a host running several participants has.</summary>
public sealed class JournalDbContext(DbContextOptions<JournalDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddTransactionalOutbox();
}

/// <summary>
/// A host that keeps the outboxes of two DbContexts (the ledger, registered first, and the journal): a publish outside
/// a consumer goes to the outbox of the context it names, in that context's transaction, and never silently to the
/// last one registered.
/// </summary>
public sealed class SeveralOutboxesTests(IsolatedServices services) : IClassFixture<IsolatedServices>, IAsyncLifetime
{
    string _ledger = null!;
    string _journal = null!;
    IHost _host = null!;

    public async Task InitializeAsync()
    {
        _ledger = await OutboxTestHost.CreateLedgerDatabaseAsync(services, "several_ledger");
        _journal = await services.CreateDatabaseAsync($"several_journal_{Guid.NewGuid().ToString("N")[..8]}");
        await using (var journal = OpenJournal())
            await journal.Database.EnsureCreatedAsync();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Ledger"] = _ledger;
        settings["ConnectionStrings:Journal"] = _journal;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddPostgresDbContext<LedgerDbContext>("Ledger");
        builder.AddPostgresDbContext<JournalDbContext>("Journal");
        builder.AddTransactionsBus(x =>
        {
            x.AddPostgresOutbox<LedgerDbContext>();
            x.AddPostgresOutbox<JournalDbContext>();
        });
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task A_publish_through_the_ledger_outbox_is_a_ledger_row_in_the_ledger_transaction_and_none_in_the_journal()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var ledger = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
        var journal = scope.ServiceProvider.GetRequiredService<JournalDbContext>();
        await using var transaction = await ledger.Database.BeginTransactionAsync();

        await scope.ServiceProvider.GetRequiredService<DbContextOutbox<LedgerDbContext>>().PublishEndpoint
            .Publish(new OutboxProbe(Guid.NewGuid()));
        await ledger.SaveChangesAsync();

        // Inside the ledger's transaction the row is there; the journal, registered last, got nothing.
        Assert.Equal(1, await ledger.Set<OutboxMessage>().CountAsync());
        Assert.Equal(0, await journal.Set<OutboxMessage>().CountAsync());
        Assert.Equal(0, await OutboxTestHost.PendingOutboxRowsAsync(_ledger));
        // It goes with the ledger's transaction: rolled back, it is gone.
        await transaction.RollbackAsync();
        Assert.Equal(0, await OutboxTestHost.PendingOutboxRowsAsync(_ledger));
        await using var read = OpenJournal();
        Assert.Equal(0, await read.Set<OutboxMessage>().CountAsync());
    }

    [Fact]
    public async Task A_publish_that_names_no_outbox_fails_naming_the_contexts_and_writes_nowhere()
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var journal = scope.ServiceProvider.GetRequiredService<JournalDbContext>();
        var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => publish.Publish(new OutboxProbe(Guid.NewGuid())));
        Assert.Contains("LedgerDbContext, JournalDbContext", error.Message);
        Assert.Contains("DbContextOutbox<TDbContext>", error.Message);
        var send = scope.ServiceProvider.GetRequiredService<ISendEndpointProvider>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => send.GetSendEndpoint(new Uri("queue:several-outboxes")));

        await journal.SaveChangesAsync();
        await using var read = OpenJournal();
        Assert.Equal(0, await read.Set<OutboxMessage>().CountAsync());
        Assert.Equal(0, await OutboxTestHost.PendingOutboxRowsAsync(_ledger));
    }

    JournalDbContext OpenJournal() => new(new DbContextOptionsBuilder<JournalDbContext>()
        .UseNpgsql(_journal).UseSnakeCaseNamingConvention().Options);
}
