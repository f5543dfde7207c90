using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.TravelBookings;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCoordinatorDatabase();
builder.AddTransactionsBus(bus =>
{
    bus.AddCoordinatorOutbox();
    bus.AddTravelBookings();
});

var app = builder.Build();

app.UseServiceDefaults();
app.MapTravelBookingEndpoints();

return await app.RunServiceAsync(args);

