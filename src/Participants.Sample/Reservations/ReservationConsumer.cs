using MassTransit;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// Consumes one participant's reserve command and publishes its answer; the participant's cancel command goes
/// through <see cref="CancelAsync"/>. A redelivered command is answered again from the stored reservation, so a
/// reply lost on the way out is sent once more.
/// </summary>
public abstract class ReservationConsumer<TContext, TReserve>(ReservationBook<TContext> book) : IConsumer<TReserve>
    where TContext : ReservationsDbContext
    where TReserve : class
{
    protected abstract ReservationRequest RequestOf(TReserve command);
    protected abstract object Reserved(Guid bookingId);
    protected abstract object Refused(Guid bookingId, string reason);

    public async Task Consume(ConsumeContext<TReserve> context)
    {
        var request = RequestOf(context.Message);
        if (book.Ignores(request))
            return;
        var reservation = await book.ReserveAsync(request, context.CancellationToken);
        await context.Publish(reservation.Status == ReservationStatus.Reserved
            ? Reserved(reservation.BookingId)
            : Refused(reservation.BookingId, reservation.Reason ?? reservation.Status.ToString()));
    }

    protected async Task CancelAsync(ConsumeContext context, Guid bookingId, object cancelled)
    {
        await book.CancelAsync(bookingId, context.CancellationToken);
        await context.Publish(cancelled);
    }
}
