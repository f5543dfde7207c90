namespace Shop.Contracts;

// Commands the coordinator sends to the queue seat-holds.
public sealed record HoldSeats(Guid OrderId, Guid BranchId, string ShowId, int Seats);
public sealed record SellSeats(Guid OrderId, Guid BranchId);
public sealed record FreeSeats(Guid OrderId, Guid BranchId);

// Replies the participant publishes.
public sealed record SeatsHeld(Guid OrderId, Guid BranchId);
public sealed record SeatsRefused(Guid OrderId, Guid BranchId, string Reason);
public sealed record SeatsSold(Guid OrderId, Guid BranchId);
public sealed record SaleRefused(Guid OrderId, Guid BranchId, string Reason);
public sealed record SeatsFreed(Guid OrderId, Guid BranchId);
public sealed record FreeRefused(Guid OrderId, Guid BranchId, string Reason);
