namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// <paramref name="Quantity"/> units of <paramref name="Resource"/> on each of <paramref name="Days"/> days from
/// <paramref name="FirstDay"/>, for one booking. <paramref name="Attributes"/> are what fault rules can match.
/// </summary>
public sealed record ReservationRequest(Guid BookingId, string Resource, DateOnly FirstDay, int Days, int Quantity,
    IReadOnlyList<string> Attributes);
