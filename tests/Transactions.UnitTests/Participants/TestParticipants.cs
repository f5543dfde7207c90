using MassTransit;
using Microsoft.EntityFrameworkCore;
using Transactions.Outbox;
using Transactions.Outbox.Barrier;
using Transactions.Participants.SagaSteps;
using Transactions.Participants.Tcc;

namespace Transactions.UnitTests.Participants;

// The smallest participants the misuse tests need: a branch's messages, contexts with and without the model pieces,
// and consumers right and wrong. Nothing here touches a database; the models are only built.

public sealed record TryHold(Guid OrderId, Guid BranchId, string? Item);
public sealed record ConfirmHold(Guid OrderId, Guid BranchId);
public sealed record CancelHold(Guid OrderId, Guid BranchId);
public sealed record HoldTried(Guid OrderId, Guid BranchId);
public sealed record HoldRefused(Guid OrderId, Guid BranchId, string Reason);
public sealed record HoldConfirmed(Guid OrderId, Guid BranchId);
public sealed record HoldConfirmRefused(Guid OrderId, Guid BranchId, string Reason);
public sealed record HoldCancelled(Guid OrderId, Guid BranchId);
public sealed record HoldCancelRefused(Guid OrderId, Guid BranchId, string Reason);

public sealed record ReserveRoom(Guid StayId);
public sealed record CancelRoom(Guid StayId);
public sealed record RoomReserved(Guid StayId);
public sealed record RoomRefused(Guid StayId, string Reason);
public sealed record RoomCancelled(Guid StayId);

/// <summary>Barrier, outbox and inbox: what a TCC participant needs.</summary>
public sealed class CompleteContext(DbContextOptions<CompleteContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.AddTccBarrier().AddTransactionalOutbox();
}

/// <summary>Outbox and inbox, no barrier: enough for a saga step, not for a TCC branch.</summary>
public sealed class NoBarrierContext(DbContextOptions<NoBarrierContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddTransactionalOutbox();
}

/// <summary>The barrier without the outbox and inbox.</summary>
public sealed class NoOutboxContext(DbContextOptions<NoOutboxContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddTccBarrier();
}

/// <summary>
/// A hold branch without a database: a Try of item "sold-out" is refused, of "settled" is answered as a repeat after
/// its Confirm; a Confirm succeeds; a Cancel is refused.
/// </summary>
public sealed class HoldConsumer : TccBranchConsumer<TryHold, ConfirmHold, CancelHold>,
    IConsumer<TryHold>, IConsumer<ConfirmHold>, IConsumer<CancelHold>
{
    public static readonly TccBranchMessages<TryHold, ConfirmHold, CancelHold> Messages = new()
    {
        TransactionIdField = "orderId",
        TryKey = m => new(m.OrderId, m.BranchId),
        ConfirmKey = m => new(m.OrderId, m.BranchId),
        CancelKey = m => new(m.OrderId, m.BranchId),
        Tried = b => new HoldTried(b.TransactionId, b.BranchId),
        Refused = (b, reason) => new HoldRefused(b.TransactionId, b.BranchId, reason),
        Confirmed = b => new HoldConfirmed(b.TransactionId, b.BranchId),
        ConfirmRefused = (b, reason) => new HoldConfirmRefused(b.TransactionId, b.BranchId, reason),
        Cancelled = b => new HoldCancelled(b.TransactionId, b.BranchId),
        CancelRefused = (b, reason) => new HoldCancelRefused(b.TransactionId, b.BranchId, reason),
    };

    public HoldConsumer() : base(Messages)
    {
    }

    public Task Consume(ConsumeContext<TryHold> context) => ConsumeTry(context);
    public Task Consume(ConsumeContext<ConfirmHold> context) => ConsumeConfirm(context);
    public Task Consume(ConsumeContext<CancelHold> context) => ConsumeCancel(context);

    protected override void CheckTry(TryHold message) =>
        Transactions.ServiceDefaults.Messaging.MessageFields.RequireText(nameof(TryHold), "item", message.Item);

    protected override Task<TryAnswer> TryAsync(TryHold message, TccBranchKey branch, CancellationToken ct) =>
        Task.FromResult(message.Item switch
        {
            "sold-out" => TryAnswer.Refused("Sold out."),
            "settled" => new TryAnswer(TryResult.Confirmed, null),
            _ => TryAnswer.Ok,
        });

    protected override Task<SettleAnswer> ConfirmAsync(TccBranchKey branch, CancellationToken ct) =>
        Task.FromResult(SettleAnswer.Ok);

    protected override Task<SettleAnswer> CancelAsync(TccBranchKey branch, CancellationToken ct) =>
        Task.FromResult(SettleAnswer.Refused("Confirmed before."));
}

/// <summary>A second consumer of the same branch, to register on a queue already taken.</summary>
public sealed class OtherHoldConsumer() : TccBranchConsumer<TryHold, ConfirmHold, CancelHold>(HoldConsumer.Messages),
    IConsumer<TryHold>, IConsumer<ConfirmHold>, IConsumer<CancelHold>
{
    public Task Consume(ConsumeContext<TryHold> context) => ConsumeTry(context);
    public Task Consume(ConsumeContext<ConfirmHold> context) => ConsumeConfirm(context);
    public Task Consume(ConsumeContext<CancelHold> context) => ConsumeCancel(context);
    protected override Task<TryAnswer> TryAsync(TryHold m, TccBranchKey b, CancellationToken ct) => Task.FromResult(TryAnswer.Ok);
    protected override Task<SettleAnswer> ConfirmAsync(TccBranchKey b, CancellationToken ct) => Task.FromResult(SettleAnswer.Ok);
    protected override Task<SettleAnswer> CancelAsync(TccBranchKey b, CancellationToken ct) => Task.FromResult(SettleAnswer.Ok);
}

/// <summary>A branch consumer that forgot to declare that it consumes the Cancel.</summary>
public sealed class ForgetfulHoldConsumer() : TccBranchConsumer<TryHold, ConfirmHold, CancelHold>(HoldConsumer.Messages),
    IConsumer<TryHold>, IConsumer<ConfirmHold>
{
    public Task Consume(ConsumeContext<TryHold> context) => ConsumeTry(context);
    public Task Consume(ConsumeContext<ConfirmHold> context) => ConsumeConfirm(context);
    protected override Task<TryAnswer> TryAsync(TryHold m, TccBranchKey b, CancellationToken ct) => Task.FromResult(TryAnswer.Ok);
    protected override Task<SettleAnswer> ConfirmAsync(TccBranchKey b, CancellationToken ct) => Task.FromResult(SettleAnswer.Ok);
    protected override Task<SettleAnswer> CancelAsync(TccBranchKey b, CancellationToken ct) => Task.FromResult(SettleAnswer.Ok);
}

/// <summary>A room step that reserves everything.</summary>
public sealed class RoomConsumer() : SagaStepConsumer<ReserveRoom, CancelRoom>(new()
    {
        Reserved = m => new RoomReserved(m.StayId),
        Refused = (m, reason) => new RoomRefused(m.StayId, reason),
        Cancelled = m => new RoomCancelled(m.StayId),
    }),
    IConsumer<ReserveRoom>, IConsumer<CancelRoom>
{
    public Task Consume(ConsumeContext<ReserveRoom> context) => ConsumeReserve(context);
    public Task Consume(ConsumeContext<CancelRoom> context) => ConsumeCancel(context);
    protected override Task<ReserveAnswer> ReserveAsync(ReserveRoom m, CancellationToken ct) => Task.FromResult(ReserveAnswer.Ok);
    protected override Task CancelAsync(CancelRoom m, CancellationToken ct) => Task.CompletedTask;
}
