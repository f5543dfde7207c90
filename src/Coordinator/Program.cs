using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Reconciliation;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCoordinatorDatabase();
builder.AddReconciliation();
builder.AddTransactionsBus(bus => { });

var app = builder.Build();

app.UseServiceDefaults();
app.MapReconciliationEndpoints();

return await app.RunServiceAsync(args);

