using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Samples.PythonCars;

/// <summary>
/// A message the Python car participant can never handle (no JSON, a field missing or of the wrong kind) goes to
/// <c>car-reservations_error</c> on its one attempt, with MassTransit's fault header naming the message and the
/// field, and the participant goes on answering the messages behind it.
/// </summary>
public sealed class PythonCarsInvalidMessageTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const string Contracts = "Transactions.Contracts.TravelBookings:";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Invalid_messages_go_to_the_error_queue_naming_the_field_and_the_next_booking_is_answered()
    {
        await using var cars = await PythonCars.StartAsync(services, "pycars_invalid");
        await PythonCars.SeedKitSlotAsync(cars.Client, "airport", cars: 1);

        await RawMessages.PublishAsync(services, "car-reservations", "{ not json"u8.ToArray());
        await RawMessages.PublishAsync(services, Contracts + "ReserveCar",
            new { bookingId = Guid.NewGuid(), carClass = "kit", pickUp = "2099-01-01", days = 1 });
        await RawMessages.PublishAsync(services, Contracts + "ReserveCar",
            new { bookingId = Guid.NewGuid(), location = "airport", carClass = "kit", pickUp = "2099-01-01", days = "two" });
        await RawMessages.PublishAsync(services, Contracts + "CancelCar", new { bookingId = "B-42" });
        var valid = Guid.NewGuid();
        await PythonCars.ReserveAsync(services, valid, "airport");

        await Eventually.Until(() => services.QueueDepthAsync("car-reservations_error"), n => n == 4, Timeout,
            "car-reservations_error holds the four invalid messages");
        var faults = await ErrorQueueMessages.PeekBodiesAsync(services, "car-reservations_error", 5);
        Assert.Equal(
            [
                "CancelCar is invalid: bookingId is not a UUID.",
                "ReserveCar is invalid: days is not a whole number.",
                "ReserveCar is invalid: location is missing.",
                "envelope is invalid: body is not JSON",
            ],
            faults.Select(f => f.Fault.Reason.Split(" (")[0]).Order(StringComparer.Ordinal));
        Assert.All(faults, f => Assert.Equal(0, f.Fault.Retries));
        Assert.Contains(faults, f => f.Body == "{ not json");
        // Behind them, the well-formed booking got its car, from the same process.
        var reservation = await Eventually.Until(() => PythonCars.ReservationStatusAsync(cars.Client, valid),
            s => s is not null, Timeout, $"booking {valid} is answered");
        Assert.Equal("Reserved", reservation);
        Assert.False(cars.HasExited);
    }
}
