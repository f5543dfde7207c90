using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.Deadlines;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Reconciliation;
using Transactions.Coordinator.Sagas;
using Transactions.Coordinator.TravelBookings;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
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
app.MapSagaEndpoints();
app.MapSagaListEndpoints();
app.MapBankTransferEndpoints();
app.MapTravelBookingEndpoints();
app.MapReconciliationEndpoints();

return await app.RunServiceAsync(args);
