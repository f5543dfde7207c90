using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.Outbox;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.IntegrationTests.Plumbing;

/// <summary>
/// A failed statement is reported once, by its caller (MassTransit's retry or fault, the API's error handler), not
/// also by EF Core with a stack trace: where instances share queues and rows, lock timeouts and lost races are routine.
/// </summary>
public sealed class DatabaseErrorLogTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task A_query_failing_in_the_database_throws_to_its_caller_and_ef_core_logs_it_at_debug_only()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Ledger"] = await services.CreateDatabaseAsync("ledger");
        var logs = new RecordedLogs();
        // Every level, whatever the configuration files filter, so that a line moved to debug is still seen.
        builder.Logging.ClearProviders().AddProvider(logs).AddFilter<RecordedLogs>(null, LogLevel.Trace);
        builder.AddPostgresDbContext<LedgerDbContext>("Ledger");
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();

        // Fails while the results are read, as a row lock that times out in a group commit does.
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.SqlQueryRaw<int>("SELECT 1 / 0 AS \"Value\"").ToListAsync());

        Assert.Contains(logs.Entries, e => e.Id == CoreEventId.QueryIterationFailed.Id && e.Level == LogLevel.Debug);
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Microsoft.EntityFrameworkCore")
                                                 && e.Level >= LogLevel.Information);
    }

    sealed record Entry(string Category, int Id, LogLevel Level);

    sealed class RecordedLogs : ILoggerProvider
    {
        public List<Entry> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void Dispose()
        {
        }

        sealed class Recorder(RecordedLogs logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
                Func<TState, Exception?, string> formatter)
            {
                lock (logs.Entries)
                    logs.Entries.Add(new Entry(category, eventId.Id, logLevel));
            }
        }
    }
}
