using Transactions.Participants.Sample.Reservations;
using Transactions.ServiceDefaults.Api;

namespace Transactions.Participants.Sample.Flights;

/// <summary><c>PUT /api/flights/inventory</c>: the number of seats a flight sells on a date.</summary>
public sealed record FlightInventoryRequest(string? FlightNumber, DateOnly? Date, int? Seats) : IInventoryRequest
{
    public RequestErrors Validate() => new RequestErrors()
        .Text(FlightNumber, "flightNumber", 16)
        .Required(Date, "date")
        .Range(Seats, "seats", 0, 1000);

    public InventoryRange ToRange() => new(FlightNumber!, Date!.Value, 1, Seats!.Value);
}
