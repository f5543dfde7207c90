using Transactions.Participants.Sample.Reservations;
using Transactions.ServiceDefaults.Api;

namespace Transactions.Participants.Sample.Cars;

/// <summary><c>PUT /api/cars/inventory</c>: the cars of a class a location rents on each of the days from a date.</summary>
public sealed record CarInventoryRequest(string? Location, string? CarClass, DateOnly? From, int? Days, int? Cars)
    : IInventoryRequest
{
    public RequestErrors Validate() => new RequestErrors()
        .Text(Location, "location", 30)
        .Text(CarClass, "carClass", 30)
        .Required(From, "from")
        .Range(Days, "days", 1, 366)
        .Range(Cars, "cars", 0, 10_000);

    public InventoryRange ToRange() =>
        new(CarsDbContext.Resource(Location!, CarClass!), From!.Value, Days!.Value, Cars!.Value);
}
