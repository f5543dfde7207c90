using System.Net.Http.Json;
using System.Text.Json;

namespace Transactions.IntegrationTests.TravelBookings;

/// <summary>A trip with resources of its own (so tests sharing participants never share inventory) and its REST calls.</summary>
public sealed record Trip(Guid BookingId, string FlightNumber, string HotelId, string CarLocation, string CarClass,
    int Seats = 2)
{
    public static readonly DateOnly Day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
    public const int Nights = 3;
    public const int CarDays = 2;

    public static Trip New(string? flightNumber = null, string carClass = "compact", int seats = 2)
    {
        var id = Guid.NewGuid();
        var tag = id.ToString("N")[..8];
        return new Trip(id, flightNumber ?? $"F{tag}", $"hotel-{tag}", $"loc-{tag}", carClass, seats);
    }

    /// <summary>Another booking of the same trip.</summary>
    public Trip Again() => this with { BookingId = Guid.NewGuid() };

    public object Request() => new
    {
        bookingId = BookingId, flightNumber = FlightNumber, flightDate = Day, seats = Seats,
        hotelId = HotelId, checkIn = Day, nights = Nights,
        carLocation = CarLocation, carClass = CarClass, carPickUp = Day, carDays = CarDays,
    };

    /// <summary>Puts capacity for this trip at every participant.</summary>
    public Task SeedAsync(TravelBookingSystem system, int seats, int rooms, int cars) =>
        SeedAsync(system.Participant, seats, rooms, cars);

    /// <param name="participant">The API client of the host that runs the named participant.</param>
    public async Task SeedAsync(Func<string, HttpClient> participant, int seats, int rooms, int cars)
    {
        await PutAsync(participant("flights"), "/api/flights/inventory",
            new { flightNumber = FlightNumber, date = Day, seats });
        await PutAsync(participant("hotels"), "/api/hotels/inventory",
            new { hotelId = HotelId, from = Day, nights = Nights, rooms });
        await PutAsync(participant("cars"), "/api/cars/inventory",
            new { location = CarLocation, carClass = CarClass, from = Day, days = CarDays, cars });
    }

    /// <summary>Units reserved on the trip's flight, each hotel night and each car day.</summary>
    public Task<(int Flight, int[] Hotel, int[] Car)> ReservedAsync(TravelBookingSystem system) =>
        ReservedAsync(system.Participant);

    /// <param name="participant">The API client of the host that runs the named participant.</param>
    public async Task<(int Flight, int[] Hotel, int[] Car)> ReservedAsync(Func<string, HttpClient> participant)
    {
        var flight = await SlotAsync(participant("flights"), $"/api/flights/inventory/{FlightNumber}/{Day:yyyy-MM-dd}");
        var hotel = new int[Nights];
        for (var n = 0; n < Nights; n++)
            hotel[n] = await SlotAsync(participant("hotels"), $"/api/hotels/inventory/{HotelId}/{Day.AddDays(n):yyyy-MM-dd}");
        var car = new int[CarDays];
        for (var d = 0; d < CarDays; d++)
            car[d] = await SlotAsync(participant("cars"),
                $"/api/cars/inventory/{CarLocation}/{CarClass}/{Day.AddDays(d):yyyy-MM-dd}");
        return (flight, hotel, car);
    }

    /// <summary>The booking's reservation status at a participant, or null when it has none.</summary>
    public Task<string?> ReservationAsync(TravelBookingSystem system, string participant) =>
        ReservationAsync(system.Participant(participant), participant);

    /// <param name="client">The API client of the host that runs <paramref name="participant"/>.</param>
    public async Task<string?> ReservationAsync(HttpClient client, string participant)
    {
        using var response = await client.GetAsync($"/api/{participant}/reservations/{BookingId}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString();
    }

    static async Task PutAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PutAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reserved units of a slot; a slot never seeded has none.</summary>
    static async Task<int> SlotAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            return 0;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reserved").GetInt32();
    }
}
