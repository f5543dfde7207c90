using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.Dashboard;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.OpenApi;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Reconciliation;
using Transactions.Coordinator.SagaActions;
using Transactions.Coordinator.Sagas;
using Transactions.Coordinator.Telemetry;
using Transactions.Coordinator.TravelBookings;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Configuration;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;
using Transactions.ServiceDefaults.Security;
using Transactions.ServiceDefaults.Telemetry;

// A bad setting ends the process with exit code 1 and one line per setting.
return await InvalidConfiguration.ExitOnInvalidAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);

    builder.ListenByDefaultOn("http://127.0.0.1:5080");
    builder.AddServiceDefaults();
    builder.AddSecurity();
    builder.AddCoordinatorTelemetry();
    builder.Services.AddApiDocumentation();
    builder.AddCoordinatorDatabase();
    builder.Services.AddSagaDeadlines();
    builder.AddReconciliation();
    builder.AddTransactionsBus(bus =>
    {
        bus.AddCoordinatorOutbox();
        bus.AddBankTransfers();
        bus.AddTravelBookings();
    });

    var app = builder.Build();

    app.UseServiceDefaults();
    app.UseTelemetry();
    app.UseDashboard();
    app.UseSecurity();
    app.MapApiDocumentation();
    app.MapSagaEndpoints();
    app.MapSagaListEndpoints();
    app.MapSagaActionEndpoints();
    app.MapBankTransferEndpoints();
    app.MapTravelBookingEndpoints();
    app.MapReconciliationEndpoints();
    app.MapOutboxEndpoints();

    return await app.RunServiceAsync(args);
});
