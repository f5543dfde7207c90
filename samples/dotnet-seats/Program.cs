using Microsoft.EntityFrameworkCore;
using Shop.Seats;
using Transactions.Participants.Hosting;
using Transactions.ServiceDefaults;
using Transactions.ServiceDefaults.Configuration;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

return await InvalidConfiguration.ExitOnInvalidAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.ListenByDefaultOn("http://127.0.0.1:5391");
    builder.AddServiceDefaults();
    builder.AddTccParticipant<SeatsDbContext>("Seats");
    builder.Services.AddScoped<SeatBook>();
    builder.AddTransactionsBus(bus =>
        bus.AddTccBranch<SeatHoldsConsumer, SeatsDbContext>("seat-holds", concurrentMessageLimit: 8));

    var app = builder.Build();
    app.UseServiceDefaults();
    // The probe the conformance kit reads, and a way to put seats on sale.
    app.MapGet("/shows/{id}", async (string id, SeatsDbContext db) =>
        await db.Shows.AsNoTracking().SingleOrDefaultAsync(s => s.ShowId == id) is { } show
            ? Results.Ok(show) : Results.NotFound());
    app.MapPut("/shows/{id}", async (string id, int free, SeatsDbContext db) =>
    {
        db.Shows.Add(new Show { ShowId = id, Free = free });
        await db.SaveChangesAsync();
        return Results.Ok();
    });
    return await app.RunServiceAsync(args);
});
