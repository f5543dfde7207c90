using Transactions.Participants.Sample.Reservations;
using Transactions.ServiceDefaults.Http;

namespace Transactions.Participants.Sample.Cars;

/// <summary><c>PUT /api/cars/inventory</c>: the cars of a class a location rents on each of the days from a date.</summary>
public sealed record CarInventoryRequest(string? Location, string? CarClass, DateOnly? From, int? Days, int? Cars)
    : IInventoryRequest
{
    public RequestRules Validate() => new RequestRules()
        .Required("location", Location, 30)
        .Required("carClass", CarClass, 30)
        .Required("from", From)
        .Range("days", Days, 1, 366)
        .Range("cars", Cars, 0, 10_000);

    public InventoryRange ToRange() =>
        new(CarsDbContext.Resource(Location!, CarClass!), From!.Value, Days!.Value, Cars!.Value);
}
