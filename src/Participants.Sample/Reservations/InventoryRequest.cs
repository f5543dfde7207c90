using Transactions.ServiceDefaults.Http;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>A participant's body for setting capacity: it checks its own fields and names the slots it covers.</summary>
public interface IInventoryRequest
{
    RequestRules Validate();

    /// <summary>Called only on a valid request.</summary>
    InventoryRange ToRange();
}

/// <summary><paramref name="Capacity"/> units of <paramref name="Resource"/> on each of the days.</summary>
public sealed record InventoryRange(string Resource, DateOnly FirstDay, int Days, int Capacity);

/// <summary>One slot as the REST API shows it.</summary>
public sealed record InventorySlotView(string Resource, DateOnly Day, int Capacity, int Reserved, int Available)
{
    public static InventorySlotView Of(InventorySlot slot) =>
        new(slot.Resource, slot.Day, slot.Capacity, slot.Reserved, slot.Capacity - slot.Reserved);
}

/// <summary>A booking's reservation as the REST API shows it.</summary>
public sealed record ReservationView(Guid BookingId, string Resource, DateOnly FirstDay, int Days, int Quantity,
    string Status, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ReservationView Of(Reservation r) =>
        new(r.BookingId, r.Resource, r.FirstDay, r.Days, r.Quantity, r.Status.ToString(), r.Reason, r.CreatedAt, r.UpdatedAt);
}
