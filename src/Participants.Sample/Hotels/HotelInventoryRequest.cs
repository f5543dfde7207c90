using Transactions.Participants.Sample.Reservations;
using Transactions.ServiceDefaults.Api;

namespace Transactions.Participants.Sample.Hotels;

/// <summary><c>PUT /api/hotels/inventory</c>: the rooms a hotel sells on each of the nights from a date.</summary>
public sealed record HotelInventoryRequest(string? HotelId, DateOnly? From, int? Nights, int? Rooms) : IInventoryRequest
{
    public RequestErrors Validate() => new RequestErrors()
        .Text(HotelId, "hotelId")
        .Required(From, "from")
        .Range(Nights, "nights", 1, 366)
        .Range(Rooms, "rooms", 0, 10_000);

    public InventoryRange ToRange() => new(HotelId!, From!.Value, Nights!.Value, Rooms!.Value);
}
