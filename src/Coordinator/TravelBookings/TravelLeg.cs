using Transactions.Contracts.TravelBookings;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>One step of the trip: which participant queue books it, and how to reserve and cancel it.</summary>
public sealed record TravelLeg(string Name, string Queue, Func<TravelBookingState, object> Reserve,
    Func<Guid, object> Cancel)
{
    public Uri Address { get; } = new($"queue:{Queue}");

    public static readonly TravelLeg Flight = new("flight", TravelBookingQueues.Flights,
        s => new ReserveFlight(s.CorrelationId, s.FlightNumber, s.FlightDate, s.Seats), id => new CancelFlight(id));

    public static readonly TravelLeg Hotel = new("hotel", TravelBookingQueues.Hotels,
        s => new ReserveHotel(s.CorrelationId, s.HotelId, s.CheckIn, s.Nights), id => new CancelHotel(id));

    public static readonly TravelLeg Car = new("car", TravelBookingQueues.Cars,
        s => new ReserveCar(s.CorrelationId, s.CarLocation, s.CarClass, s.CarPickUp, s.CarDays), id => new CancelCar(id));
}
