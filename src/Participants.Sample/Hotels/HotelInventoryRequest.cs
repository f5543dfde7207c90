using Transactions.Participants.Sample.Reservations;
using Transactions.ServiceDefaults.Http;

namespace Transactions.Participants.Sample.Hotels;

/// <summary><c>PUT /api/hotels/inventory</c>: the rooms a hotel sells on each of the nights from a date.</summary>
public sealed record HotelInventoryRequest(string? HotelId, DateOnly? From, int? Nights, int? Rooms) : IInventoryRequest
{
    public RequestRules Validate() => new RequestRules()
        .Required("hotelId", HotelId)
        .Required("from", From)
        .Range("nights", Nights, 1, 366)
        .Range("rooms", Rooms, 0, 10_000);

    public InventoryRange ToRange() => new(HotelId!, From!.Value, Nights!.Value, Rooms!.Value);
}
