using Transactions.Coordinator.OpenApi;
using Transactions.Coordinator.Persistence;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;
using Transactions.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSecurity();
builder.Services.AddApiDocumentation();
builder.AddCoordinatorDatabase();
builder.AddTransactionsBus(bus => { });

var app = builder.Build();

app.UseServiceDefaults();
app.UseSecurity();
app.MapApiDocumentation();

return await app.RunServiceAsync(args);
