using Transactions.Participants.Sample.Reservations;
using Transactions.ServiceDefaults.Http;

namespace Transactions.Participants.Sample.Flights;

/// <summary><c>PUT /api/flights/inventory</c>: the number of seats a flight sells on a date.</summary>
public sealed record FlightInventoryRequest(string? FlightNumber, DateOnly? Date, int? Seats) : IInventoryRequest
{
    public RequestRules Validate() => new RequestRules()
        .Required("flightNumber", FlightNumber, 16)
        .Required("date", Date)
        .Range("seats", Seats, 0, 1000);

    public InventoryRange ToRange() => new(FlightNumber!, Date!.Value, 1, Seats!.Value);
}
