using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Transactions.Coordinator.Telemetry;
using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Reconciliation;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.Bench.Reconcile;

/// <summary>
/// The coordinator's services as its Program composes them (database, reconciliation, bus with the outbox and the
/// bank transfer saga), started in-process on the bench's vhost and database, without the HTTP pipeline and without
/// the deadline job: that job would tell the stuck sagas their deadline before reconciliation does, and the bench
/// measures reconciliation alone. Starting the host migrates the database.
/// </summary>
static class BenchCoordinator
{
    public static async Task<IHost> StartAsync(IReadOnlyDictionary<string, string?> settings, SagaQueryRecorder recorder,
        CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Bench" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{ReconciliationOptions.Section}:{nameof(ReconciliationOptions.ScheduleEnabled)}"] = "false",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Migrating a new database first reads a history table that does not exist yet, which EF logs as an error.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Critical);

        builder.AddServiceDefaults();
        builder.AddCoordinatorDatabase();
        builder.AddCoordinatorTelemetry();
        builder.AddReconciliation();
        builder.AddTransactionsBus(bus =>
        {
            bus.AddCoordinatorOutbox();
            bus.AddBankTransfers();
        });
        builder.Services.ConfigureDbContext<CoordinatorDbContext>(o => o.AddInterceptors(recorder));

        var host = builder.Build();
        await host.StartAsync(ct);
        return host;
    }
}
