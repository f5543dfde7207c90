using Transactions.Participants.Sample.Hosting;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;
using Transactions.ServiceDefaults.Security;

var builder = WebApplication.CreateBuilder(args);

var participants = ParticipantModules.Selected(builder.Configuration);

builder.AddServiceDefaults();
builder.AddSecurity();
foreach (var participant in participants)
    participant.AddServices(builder);
builder.AddTransactionsBus(bus =>
{
    foreach (var participant in participants)
        participant.AddConsumers(bus);
});

var app = builder.Build();

app.UseServiceDefaults();
app.UseSecurity();
foreach (var participant in participants)
    participant.MapEndpoints(app);

return await app.RunServiceAsync(args);

