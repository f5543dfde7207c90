using MassTransit;
using Shop.Contracts;
using Transactions.Participants.Tcc;
using Transactions.ServiceDefaults.Messaging;

namespace Shop.Seats;

public sealed class SeatHoldsConsumer(SeatBook book)
    : TccBranchConsumer<HoldSeats, SellSeats, FreeSeats>(Messages),
        IConsumer<HoldSeats>, IConsumer<SellSeats>, IConsumer<FreeSeats>
{
    static readonly TccBranchMessages<HoldSeats, SellSeats, FreeSeats> Messages = new()
    {
        TransactionIdField = "orderId",
        TryKey = m => new(m.OrderId, m.BranchId),
        ConfirmKey = m => new(m.OrderId, m.BranchId),
        CancelKey = m => new(m.OrderId, m.BranchId),
        Tried = b => new SeatsHeld(b.TransactionId, b.BranchId),
        Refused = (b, reason) => new SeatsRefused(b.TransactionId, b.BranchId, reason),
        Confirmed = b => new SeatsSold(b.TransactionId, b.BranchId),
        ConfirmRefused = (b, reason) => new SaleRefused(b.TransactionId, b.BranchId, reason),
        Cancelled = b => new SeatsFreed(b.TransactionId, b.BranchId),
        CancelRefused = (b, reason) => new FreeRefused(b.TransactionId, b.BranchId, reason),
    };

    public Task Consume(ConsumeContext<HoldSeats> context) => ConsumeTry(context);
    public Task Consume(ConsumeContext<SellSeats> context) => ConsumeConfirm(context);
    public Task Consume(ConsumeContext<FreeSeats> context) => ConsumeCancel(context);

    protected override void CheckTry(HoldSeats m) => MessageFields.RequireText(nameof(HoldSeats), "showId", m.ShowId);

    protected override Task<TryAnswer> TryAsync(HoldSeats m, TccBranchKey branch, CancellationToken ct) =>
        book.HoldAsync(branch, m.ShowId, m.Seats, ct);

    protected override Task<SettleAnswer> ConfirmAsync(TccBranchKey branch, CancellationToken ct) =>
        book.SellAsync(branch, ct);

    protected override Task<SettleAnswer> CancelAsync(TccBranchKey branch, CancellationToken ct) =>
        book.FreeAsync(branch, ct);
}
