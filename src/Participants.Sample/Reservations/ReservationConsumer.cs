using Transactions.Participants.SagaSteps;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// One reservation participant's reserve and cancel, through its <see cref="ReservationBook{TContext}"/>. A
/// redelivered command is answered again from the stored reservation, so a reply lost on the way out is sent once more.
/// </summary>
public abstract class ReservationConsumer<TContext, TReserve, TCancel>(ReservationBook<TContext> book,
    SagaStepMessages<TReserve, TCancel> messages) : SagaStepConsumer<TReserve, TCancel>(messages)
    where TContext : ReservationsDbContext
    where TReserve : class
    where TCancel : class
{
    protected abstract ReservationRequest RequestOf(TReserve command);
    protected abstract Guid BookingIdOf(TCancel command);

    protected override async Task<ReserveAnswer> ReserveAsync(TReserve message, CancellationToken cancellationToken)
    {
        var request = RequestOf(message);
        if (book.Ignores(request))
            return ReserveAnswer.Unanswered;
        var reservation = await book.ReserveAsync(request, cancellationToken);
        return reservation.Status == ReservationStatus.Reserved
            ? ReserveAnswer.Ok
            : ReserveAnswer.Refused(reservation.Reason ?? reservation.Status.ToString());
    }

    protected override Task CancelAsync(TCancel message, CancellationToken cancellationToken) =>
        book.CancelAsync(BookingIdOf(message), cancellationToken);
}
