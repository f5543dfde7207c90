using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Transactions.Contracts.TravelBookings;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.TravelBookings;

/// <summary>The flights participant on its own: what any reservation participant promises its coordinator.</summary>
public sealed class ReservationParticipantTests(TravelBookingSystem system) : IClassFixture<TravelBookingSystem>,
    IAsyncLifetime
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    static readonly DateOnly Day = Trip.Day;
    ReplyRecorder _replies = null!;

    public async Task InitializeAsync() => _replies = await ReplyRecorder.StartAsync(system.Services, "flight-replies",
        typeof(FlightReserved), typeof(FlightReservationFailed), typeof(FlightCancelled));
    public async Task DisposeAsync() => await _replies.DisposeAsync();

    [Fact]
    public async Task A_command_delivered_twice_under_one_message_id_is_applied_and_answered_once()
    {
        var flight = await SeedFlightAsync(seats: 10);
        var booking = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        await system.StopParticipantAsync("flights");
        try
        {
            await _replies.SendAsync(TravelBookingQueues.Flights, new ReserveFlight(booking, flight, Day, 2), messageId);
            await _replies.SendAsync(TravelBookingQueues.Flights, new ReserveFlight(booking, flight, Day, 2), messageId);
            // Proof of the duplicate: both copies wait in the queue while nobody consumes it.
            await Eventually.Until(() => system.QueueDepthAsync(TravelBookingQueues.Flights), d => d == 2, Timeout,
                "both copies are in the queue");
        }
        finally
        {
            await system.StartParticipantAsync("flights");
        }

        await RepliesAsync<FlightReserved>(booking, 1);
        await Eventually.Until(() => system.QueueDepthAsync(TravelBookingQueues.Flights), d => d == 0, Timeout, "the queue drains");
        await Eventually.Until(() => OutboxRowsAsync(), rows => rows == 0, Timeout, "the outbox is delivered");
        // A later command's reply comes after any reply the duplicate could have caused.
        var marker = Guid.NewGuid();
        await _replies.SendAsync(TravelBookingQueues.Flights, new ReserveFlight(marker, flight, Day, 1));
        await RepliesAsync<FlightReserved>(marker, 1);

        Assert.Single(_replies.Of<FlightReserved>(), r => r.BookingId == booking);
        Assert.Equal(3, await ReservedAsync(flight));
    }

    [Fact]
    public async Task A_reserve_sent_again_is_answered_the_same_and_takes_its_seats_once()
    {
        var flight = await SeedFlightAsync(seats: 10);
        var booking = Guid.NewGuid();

        await _replies.SendAsync(TravelBookingQueues.Flights, new ReserveFlight(booking, flight, Day, 2));
        await RepliesAsync<FlightReserved>(booking, 1);
        await _replies.SendAsync(TravelBookingQueues.Flights, new ReserveFlight(booking, flight, Day, 2));
        await RepliesAsync<FlightReserved>(booking, 2);

        Assert.Equal(2, await ReservedAsync(flight));
    }

    [Fact]
    public async Task Cancelling_a_reservation_that_never_happened_succeeds_changes_nothing_and_refuses_a_late_reserve()
    {
        var flight = await SeedFlightAsync(seats: 10);
        var booking = Guid.NewGuid();

        await _replies.SendAsync(TravelBookingQueues.Flights, new CancelFlight(booking));
        await RepliesAsync<FlightCancelled>(booking, 1);
        Assert.Equal(0, await ReservedAsync(flight));

        await _replies.SendAsync(TravelBookingQueues.Flights, new ReserveFlight(booking, flight, Day, 2));
        var refused = await RepliesAsync<FlightReservationFailed>(booking, 1);
        Assert.Contains("Cancelled before", refused[0].Reason);
        Assert.Equal(0, await ReservedAsync(flight));
    }

    [Fact]
    public async Task A_reserve_of_zero_or_fewer_seats_is_refused_and_takes_nothing()
    {
        var flight = await SeedFlightAsync(seats: 10);
        var booking = Guid.NewGuid();

        await _replies.SendAsync(TravelBookingQueues.Flights, new ReserveFlight(booking, flight, Day, -5));

        var refused = await RepliesAsync<FlightReservationFailed>(booking, 1);
        Assert.Contains("quantity", refused[0].Reason);
        Assert.Equal(0, await ReservedAsync(flight));
    }

    [Fact]
    public async Task Inventory_requests_name_the_field_at_fault_and_capacity_never_drops_below_what_is_reserved()
    {
        var flights = system.Participant("flights");
        using var missing = await flights.PutAsJsonAsync("/api/flights/inventory", new { flightNumber = "F1", date = Day });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var problem = await missing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("seats", out _));

        var flight = await SeedFlightAsync(seats: 10);
        var booking = Guid.NewGuid();
        await _replies.SendAsync(TravelBookingQueues.Flights, new ReserveFlight(booking, flight, Day, 4));
        await RepliesAsync<FlightReserved>(booking, 1);
        using var shrink = await flights.PutAsJsonAsync("/api/flights/inventory",
            new { flightNumber = flight, date = Day, seats = 3 });
        Assert.Equal(HttpStatusCode.Conflict, shrink.StatusCode);
        Assert.Equal(4, await ReservedAsync(flight));
    }

    async Task<string> SeedFlightAsync(int seats)
    {
        var flight = "F" + Guid.NewGuid().ToString("N")[..8];
        using var response = await system.Participant("flights").PutAsJsonAsync("/api/flights/inventory",
            new { flightNumber = flight, date = Day, seats });
        response.EnsureSuccessStatusCode();
        return flight;
    }

    async Task<int> ReservedAsync(string flight)
    {
        var slot = await system.Participant("flights")
            .GetFromJsonAsync<JsonElement>($"/api/flights/inventory/{flight}/{Day:yyyy-MM-dd}");
        return slot.GetProperty("reserved").GetInt32();
    }

    Task<List<T>> RepliesAsync<T>(Guid booking, int count) where T : class =>
        Eventually.Until(() => Task.FromResult(_replies.Of<T>().Where(r => BookingOf(r) == booking).ToList()),
            replies => replies.Count >= count, Timeout, $"{count} {typeof(T).Name} for {booking}");

    static Guid BookingOf(object reply) => reply switch
    {
        FlightReserved r => r.BookingId,
        FlightReservationFailed r => r.BookingId,
        FlightCancelled r => r.BookingId,
        _ => Guid.Empty,
    };

    async Task<long> OutboxRowsAsync()
    {
        await using var connection = new NpgsqlConnection(system.Database("flights"));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM outbox_message", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
