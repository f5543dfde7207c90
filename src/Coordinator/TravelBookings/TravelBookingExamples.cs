namespace Transactions.Coordinator.TravelBookings;

/// <summary>The body the OpenAPI document shows for <c>POST /api/travel-bookings</c>.</summary>
static class TravelBookingExamples
{
    public static readonly TravelBookingRequest Start = new(Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        "LH400", new DateOnly(2026, 12, 20), Seats: 2,
        "hotel-berlin-mitte", new DateOnly(2026, 12, 20), Nights: 3,
        "BER", "compact", new DateOnly(2026, 12, 20), CarDays: 3);
}
