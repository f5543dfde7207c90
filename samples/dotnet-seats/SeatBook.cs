using Microsoft.EntityFrameworkCore;
using Transactions.Participants.Tcc;

namespace Shop.Seats;

public sealed class SeatBook(SeatsDbContext db, TccBranchRunner<SeatsDbContext> barrier)
{
    public Task<TryAnswer> HoldAsync(TccBranchKey branch, string showId, int seats, CancellationToken ct) =>
        barrier.TryAsync(branch,
            // Runs once per branch, and never after the branch's Cancel.
            async token =>
            {
                var show = await LockAsync(showId, token);
                var reason = show is null ? $"Unknown show {showId}."
                    : seats < 1 ? "At least one seat."
                    : show.Free < seats ? $"Only {show.Free} seats left." : null;
                db.Holds.Add(new SeatHold
                {
                    BranchId = branch.BranchId, OrderId = branch.TransactionId, ShowId = showId, Seats = seats,
                    Status = reason is null ? HoldStatus.Held : HoldStatus.Refused, Reason = reason,
                });
                if (reason is null)
                {
                    show!.Free -= seats;
                    show.Held += seats;
                }
                await db.SaveChangesAsync(token);
            },
            // The answer, to the first Try and to any repeat: from the hold, as it is now.
            async token => await db.Holds.AsNoTracking().SingleOrDefaultAsync(h => h.BranchId == branch.BranchId, token)
                switch
                {
                    null => TryAnswer.Refused("The branch is finished."),
                    { Status: HoldStatus.Refused } hold => TryAnswer.Refused(hold.Reason!),
                    { Status: HoldStatus.Sold } => new TryAnswer(TryResult.Confirmed, null),
                    { Status: HoldStatus.Freed } => new TryAnswer(TryResult.Cancelled, null),
                    _ => TryAnswer.Ok,
                },
            ct);

    public Task<SettleAnswer> SellAsync(TccBranchKey branch, CancellationToken ct) =>
        barrier.ConfirmAsync(branch, token => SettleAsync(branch, HoldStatus.Sold, token), ct);

    public Task<SettleAnswer> FreeAsync(TccBranchKey branch, CancellationToken ct) =>
        barrier.CancelAsync(branch, token => SettleAsync(branch, HoldStatus.Freed, token), ct);

    async Task SettleAsync(TccBranchKey branch, HoldStatus settled, CancellationToken ct)
    {
        var hold = await db.Holds.SingleOrDefaultAsync(h => h.BranchId == branch.BranchId, ct);
        if (hold is not { Status: HoldStatus.Held })
            return; // a refused Try reserved nothing
        var show = (await LockAsync(hold.ShowId, ct))!;
        show.Held -= hold.Seats;
        if (settled == HoldStatus.Sold)
            show.Sold += hold.Seats;
        else
            show.Free += hold.Seats;
        hold.Status = settled;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Concurrent branches on one show take turns.</summary>
    Task<Show?> LockAsync(string showId, CancellationToken ct) =>
        db.Shows.FromSql($"SELECT * FROM shows WHERE show_id = {showId} FOR UPDATE").SingleOrDefaultAsync(ct);
}
