using System.Text.Json;
using Transactions.Coordinator.TravelBookings;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.TravelBookings;

/// <summary>
/// A message to the travel booking saga that can never be handled (no booking id, a start without the flight to book,
/// a refusal without its reason) goes to <c>travel-booking-state_error</c> on its first attempt, its reason naming the
/// message and the field, and changes no booking; well-formed messages beside it are handled.
/// </summary>
public sealed class InvalidBookingMessageTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const string Contracts = "Transactions.Contracts.TravelBookings:";
    const string ErrorQueue = TravelBookingRegistration.Queue + "_error";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Malformed_messages_go_to_the_error_queue_at_once_naming_the_field_and_well_formed_ones_are_handled()
    {
        // No participants: the booking waits on the answers this test publishes itself.
        await using var host = await CoordinatorHost.StartAsync(services,
            new() { ["TravelBookings:StepTimeout"] = "00:10:00" });
        using var api = host.CreateClient();
        await Eventually.Ready(api, "the coordinator");
        var bookingId = Guid.CreateVersion7();
        await PublishAsync("StartTravelBooking", Trip(bookingId, "LH123"));
        await SagaApi.UntilAsync(api, bookingId, s => State(s) == "BookingFlight", Timeout, "books its flight");

        var expected = new List<(Guid MessageId, string Fault)>
        {
            (await PublishAsync("StartTravelBooking", Trip(Guid.Empty, "LH123")),
                "StartTravelBooking is invalid: bookingId is missing."),
            (await PublishAsync("StartTravelBooking", Trip(Guid.CreateVersion7(), flightNumber: null)),
                "StartTravelBooking is invalid: flightNumber is missing."),
            (await PublishAsync("HotelCancelled", new { bookingId = Guid.Empty }),
                "HotelCancelled is invalid: bookingId is missing."),
            (await PublishAsync("FlightReservationFailed", new { bookingId }),
                "FlightReservationFailed is invalid: reason is missing."),
        };
        await PublishAsync("FlightReserved", new { bookingId });

        var faults = await ErrorQueueMessages.UntilHoldingAsync(services, ErrorQueue, expected.Count, Timeout);
        // Retries 0: each failed on its one and only attempt.
        Assert.Equal(expected.Select(e => new Fault(e.Fault, 0)), expected.Select(e => faults.GetValueOrDefault(e.MessageId)));
        // The well-formed answer moved the booking on to its hotel; the refusal without a reason undid nothing.
        var saga = await SagaApi.UntilAsync(api, bookingId, s => State(s) != "BookingFlight", Timeout,
            "has its flight reserved");
        Assert.Equal("BookingHotel", State(saga));
    }

    Task<Guid> PublishAsync(string messageType, object message) =>
        RawMessages.PublishAsync(services, Contracts + messageType, message);

    static object Trip(Guid bookingId, string? flightNumber)
    {
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        return new
        {
            bookingId, flightNumber, flightDate = day, seats = 1, hotelId = "h1", checkIn = day, nights = 2,
            carLocation = "airport", carClass = "compact", carPickUp = day, carDays = 2,
        };
    }

    static string? State(JsonElement saga) => saga.GetProperty("state").GetString();
}
