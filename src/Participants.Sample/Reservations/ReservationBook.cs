using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Transactions.Participants.Persistence;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// Takes and releases inventory for bookings, once per booking whatever the number of deliveries. Inventory is
/// taken by one conditional update per request (<c>reserved + n &lt;= capacity</c>), which PostgreSQL re-checks
/// under the row lock, so concurrent bookings can never oversell; the stored reservation answers redeliveries.
/// </summary>
public sealed class ReservationBook<TContext>(TContext db, TimeProvider clock,
    IOptionsMonitor<FaultInjectionOptions<TContext>> faults, ILogger<ReservationBook<TContext>> logger)
    where TContext : ReservationsDbContext
{
    public async Task<Reservation> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(request.BookingId, cancellationToken);
        if (existing is not null)
            return existing;

        var now = clock.GetUtcNow();
        var invalid = request.Invalid();
        var reservation = new Reservation
        {
            BookingId = request.BookingId, FirstDay = request.FirstDay, Status = ReservationStatus.Reserved,
            CreatedAt = now, UpdatedAt = now,
            // An invalid request is stored refused, as sent but for what its columns cannot hold.
            Resource = request.Resource.Length > ReservationRequest.MaxResourceLength
                ? request.Resource[..ReservationRequest.MaxResourceLength] : request.Resource,
            Days = invalid is null ? request.Days : 0,
            Quantity = invalid is null ? request.Quantity : 0,
        };
        await LocalTransaction.RunAsync(db, async transaction =>
        {
            var refusal = invalid ?? InjectedRefusal(request) ?? await TakeAsync(transaction, reservation, cancellationToken);
            if (refusal is not null)
            {
                reservation.Status = ReservationStatus.Refused;
                reservation.Reason = refusal;
            }
            db.Reservations.Add(reservation);
            await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
        logger.LogInformation("Booking {BookingId}: {Quantity} x {Resource} from {FirstDay} for {Days} day(s) {Status} {Reason}",
            reservation.BookingId, reservation.Quantity, reservation.Resource, reservation.FirstDay, reservation.Days,
            reservation.Status, reservation.Reason);
        return reservation;
    }

    /// <summary>
    /// Releases the booking's inventory. Cancelling what was refused or never requested succeeds and changes no
    /// inventory; the latter is remembered so that a reserve arriving later is refused.
    /// </summary>
    public async Task CancelAsync(Guid bookingId, CancellationToken cancellationToken)
    {
        if (faults.CurrentValue.FailCancellations)
            throw new InjectedFaultException($"Cancellations fail: FaultInjection:FailCancellations is on ({typeof(TContext).Name}).");

        var now = clock.GetUtcNow();
        await LocalTransaction.RunAsync(db, async _ =>
        {
            // Two passes at most: a reserve committed between this pass's update (whose snapshot did not see it) and
            // the read after it is found Reserved, and the next pass's update sees and cancels it. Without the second
            // pass that reservation stayed taken while the cancel was answered done.
            for (var pass = 0; pass < 2; pass++)
            {
                var cancelled = await db.Reservations
                    .Where(r => r.BookingId == bookingId && r.Status == ReservationStatus.Reserved)
                    .ExecuteUpdateAsync(r => r.SetProperty(x => x.Status, ReservationStatus.Cancelled).SetProperty(x => x.UpdatedAt, now),
                        cancellationToken);
                if (cancelled == 1)
                {
                    var reservation = (await FindAsync(bookingId, cancellationToken))!;
                    var days = reservation.DayList();
                    await db.Inventory.Where(s => s.Resource == reservation.Resource && days.Contains(s.Day))
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.Reserved, x => x.Reserved - reservation.Quantity),
                            cancellationToken);
                    logger.LogInformation("Booking {BookingId}: released {Quantity} x {Resource}", bookingId,
                        reservation.Quantity, reservation.Resource);
                    return;
                }
                var existing = await FindAsync(bookingId, cancellationToken);
                if (existing is { Status: ReservationStatus.Reserved })
                    continue;
                if (existing is null)
                {
                    // A reserve inserting at the same moment makes this insert fail on the booking's key: the cancel
                    // is then retried and finds the reservation.
                    db.Reservations.Add(new Reservation
                    {
                        BookingId = bookingId, Status = ReservationStatus.Cancelled, CreatedAt = now, UpdatedAt = now,
                        Reason = "Cancelled before it was reserved.",
                    });
                    await db.SaveChangesAsync(cancellationToken);
                    logger.LogInformation("Booking {BookingId}: cancelled before it was reserved", bookingId);
                }
                return;
            }
            throw new InvalidOperationException($"Booking {bookingId} stayed reserved through two cancel passes.");
        }, cancellationToken);
    }

    public Task<Reservation?> FindAsync(Guid bookingId, CancellationToken cancellationToken) =>
        db.Reservations.AsNoTracking().SingleOrDefaultAsync(r => r.BookingId == bookingId, cancellationToken);

    /// <summary>Takes the inventory for every day, or none of it and says why.</summary>
    async Task<string?> TakeAsync(IDbContextTransaction transaction, Reservation reservation,
        CancellationToken cancellationToken)
    {
        var days = reservation.DayList();
        await transaction.CreateSavepointAsync("take", cancellationToken);
        var taken = await db.Inventory
            .Where(s => s.Resource == reservation.Resource && days.Contains(s.Day) &&
                        s.Reserved + reservation.Quantity <= s.Capacity)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Reserved, x => x.Reserved + reservation.Quantity),
                cancellationToken);
        if (taken == days.Count)
            return null;
        await transaction.RollbackToSavepointAsync("take", cancellationToken);
        return $"Not enough {reservation.Resource} available for {reservation.Quantity} on {days.Count - taken} of {days.Count} day(s) from {reservation.FirstDay:yyyy-MM-dd}.";
    }

    /// <summary>Whether fault injection drops this reserve command unanswered (<c>FaultInjection:IgnoreMatching</c>).</summary>
    public bool Ignores(ReservationRequest request)
    {
        var match = FirstMatch(request, faults.CurrentValue.IgnoreMatching);
        if (match is null)
            return false;
        logger.LogInformation("Booking {BookingId}: reserve not answered: {Match} is in FaultInjection:IgnoreMatching",
            request.BookingId, match);
        return true;
    }

    string? InjectedRefusal(ReservationRequest request)
    {
        var options = faults.CurrentValue;
        var match = FirstMatch(request, options.RefuseMatching);
        if (match is not null)
            return $"Refused by fault injection: {match} is in FaultInjection:RefuseMatching.";
        return options.RefusalRate > 0 && Random.Shared.NextDouble() < options.RefusalRate
            ? $"Refused by fault injection: FaultInjection:RefusalRate is {options.RefusalRate}."
            : null;
    }

    static string? FirstMatch(ReservationRequest request, string[] values) =>
        request.Attributes.FirstOrDefault(a => values.Contains(a, StringComparer.OrdinalIgnoreCase));
}
