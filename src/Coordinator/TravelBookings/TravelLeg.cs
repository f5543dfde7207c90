using Transactions.Contracts.TravelBookings;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>
/// One step of the trip: which participant queue books it, how to reserve and cancel it, and what it holds once
/// reserved (as a dry run names it).
/// </summary>
public sealed record TravelLeg(string Name, string Queue, Func<TravelBookingState, object> Reserve,
    Func<Guid, object> Cancel, Func<TravelBookingState, string> Holds)
{
    public Uri Address { get; } = new($"queue:{Queue}");

    public static readonly TravelLeg Flight = new("flight", TravelBookingQueues.Flights,
        s => new ReserveFlight(s.CorrelationId, s.FlightNumber, s.FlightDate, s.Seats), id => new CancelFlight(id),
        s => $"{s.Seats} seat(s) on flight {s.FlightNumber} on {s.FlightDate:yyyy-MM-dd}");

    public static readonly TravelLeg Hotel = new("hotel", TravelBookingQueues.Hotels,
        s => new ReserveHotel(s.CorrelationId, s.HotelId, s.CheckIn, s.Nights), id => new CancelHotel(id),
        s => $"{s.Nights} night(s) at {s.HotelId} from {s.CheckIn:yyyy-MM-dd}");

    public static readonly TravelLeg Car = new("car", TravelBookingQueues.Cars,
        s => new ReserveCar(s.CorrelationId, s.CarLocation, s.CarClass, s.CarPickUp, s.CarDays), id => new CancelCar(id),
        s => $"a {s.CarClass} car at {s.CarLocation} for {s.CarDays} day(s) from {s.CarPickUp:yyyy-MM-dd}");

    /// <summary>The legs in the order they are booked; compensation walks it backwards.</summary>
    public static readonly IReadOnlyList<TravelLeg> InBookingOrder = [Flight, Hotel, Car];

    /// <summary>The leg booked just before this one, which compensation cancels next; null for the first.</summary>
    public TravelLeg? Previous => Earlier.FirstOrDefault();

    /// <summary>The legs booked before this one, latest first: what is still reserved when this one's cancel stops.</summary>
    public IEnumerable<TravelLeg> Earlier => InBookingOrder.TakeWhile(leg => leg.Name != Name).Reverse();
}
