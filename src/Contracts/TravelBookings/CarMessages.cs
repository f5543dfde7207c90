namespace Transactions.Contracts.TravelBookings;

/// <summary>Reserves one car of a class at a location for <paramref name="Days"/> days; sent to <c>car-reservations</c>.</summary>
public sealed record ReserveCar(Guid BookingId, string Location, string CarClass, DateOnly PickUp, int Days);

/// <summary>Releases the booking's car; succeeds and changes nothing when there was none.</summary>
public sealed record CancelCar(Guid BookingId);

public sealed record CarReserved(Guid BookingId);

public sealed record CarReservationFailed(Guid BookingId, string Reason);

public sealed record CarCancelled(Guid BookingId);
