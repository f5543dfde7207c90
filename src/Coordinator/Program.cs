using Transactions.Coordinator.Persistence;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCoordinatorDatabase();
builder.AddTransactionsBus(bus => { });

var app = builder.Build();

app.UseServiceDefaults();

return await app.RunServiceAsync(args);

