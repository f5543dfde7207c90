using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Participants.Sample.Cars;
using Transactions.Participants.Sample.Reservations;

namespace Transactions.IntegrationTests.Reservations;

/// <summary>
/// A reserve and a cancel of one booking arriving together, as a saga's step timeout and a late reserve can make
/// them: each in a transaction of its own on the real database, and retried on failure as the broker would. Whatever
/// their order, the booking ends cancelled and its inventory is given back.
/// </summary>
public sealed class ReserveCancelRaceTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const int Pairs = 300;
    const string Resource = "LIS/race";
    static readonly DateOnly Day = new(2099, 1, 1);

    [Fact]
    public async Task A_reserve_and_a_cancel_of_one_booking_at_once_never_leave_it_reserved()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Cars"] = await services.CreateDatabaseAsync("race_cars"),
        });
        builder.AddReservationParticipant<CarsDbContext>("Cars");
        using var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CarsDbContext>();
            await db.Database.MigrateAsync();
            db.Inventory.Add(new InventorySlot { Resource = Resource, Day = Day, Capacity = Pairs });
            await db.SaveChangesAsync();
        }

        var bookings = Enumerable.Range(0, Pairs).Select(_ => Guid.NewGuid()).ToList();
        await Parallel.ForEachAsync(bookings, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (booking, _) =>
            await Task.WhenAll(
                RetriedAsync(host, book => book.ReserveAsync(
                    new ReservationRequest(booking, Resource, Day, 1, 1, []), CancellationToken.None)),
                RetriedAsync(host, book => book.CancelAsync(booking, CancellationToken.None))));

        await using var read = host.Services.CreateAsyncScope();
        var cars = read.ServiceProvider.GetRequiredService<CarsDbContext>();
        var statuses = await cars.Reservations.AsNoTracking().ToDictionaryAsync(r => r.BookingId, r => r.Status);
        Assert.All(bookings, b => Assert.Equal(ReservationStatus.Cancelled, statuses[b]));
        Assert.Equal(0, (await cars.Inventory.AsNoTracking().SingleAsync(s => s.Resource == Resource)).Reserved);
    }

    /// <summary>Runs the call in a scope of its own, again after a failure (a lost race on the booking's key), as a redelivery would.</summary>
    static async Task RetriedAsync(IHost host, Func<ReservationBook<CarsDbContext>, Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = host.Services.CreateAsyncScope();
            try
            {
                await call(scope.ServiceProvider.GetRequiredService<ReservationBook<CarsDbContext>>());
                return;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // The other call inserted the booking's row first: the next attempt finds it.
            }
        }
    }
}
