namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// <paramref name="Quantity"/> units of <paramref name="Resource"/> on each of <paramref name="Days"/> days from
/// <paramref name="FirstDay"/>, for one booking. <paramref name="Attributes"/> are what fault rules can match.
/// </summary>
public sealed record ReservationRequest(Guid BookingId, string Resource, DateOnly FirstDay, int Days, int Quantity,
    IReadOnlyList<string> Attributes)
{
    public const int MaxResourceLength = 64;
    public const int MaxDays = 366;
    public const int MaxQuantity = 1000;

    /// <summary>
    /// Why a command with these values cannot be applied, or null. A zero or negative quantity would otherwise
    /// reserve nothing or, worse, add inventory; such a command is refused, not retried.
    /// </summary>
    public string? Invalid() =>
        BookingId == Guid.Empty ? "The booking id is empty."
        : string.IsNullOrWhiteSpace(Resource) || Resource.Length > MaxResourceLength
            ? $"The resource must be 1 to {MaxResourceLength} characters."
        : Days is < 1 or > MaxDays ? $"The number of days must be between 1 and {MaxDays}."
        : Quantity is < 1 or > MaxQuantity ? $"The quantity must be between 1 and {MaxQuantity}."
        : null;
}
