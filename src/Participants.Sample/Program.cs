using Transactions.Participants.Sample.Hosting;
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

    var participants = ParticipantModules.Selected(builder.Configuration);

    builder.ListenByDefaultOn("http://127.0.0.1:5081");
    builder.AddServiceDefaults();
    builder.AddSecurity();
    builder.AddTelemetry();
    foreach (var participant in participants)
        participant.AddServices(builder);
    builder.AddTransactionsBus(bus =>
    {
        foreach (var participant in participants)
            participant.AddConsumers(bus);
    });

    var app = builder.Build();

    app.UseServiceDefaults();
    app.UseTelemetry();
    app.UseSecurity();
    foreach (var participant in participants)
        participant.MapEndpoints(app);

    return await app.RunServiceAsync(args);
});
