using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Transactions.Outbox.Barrier;

/// <summary>
/// The TCC barrier: wraps a participant's Try, Confirm or Cancel so that, whatever arrives twice, late or out of
/// order, each phase has its effect at most once, a Cancel without a Try changes nothing, and a Try arriving after
/// its Cancel is refused. See <c>Barrier/README.md</c>.
/// </summary>
public static class TccBarrier
{
    /// <summary>
    /// A new branch id for a TCC branch created at <paramref name="now"/>: a version 7 UUID, whose timestamp lets the
    /// barrier recognise messages of branches older than its clean-up horizon.
    /// </summary>
    public static Guid NewBranchId(DateTimeOffset now) => Guid.CreateVersion7(now);

    /// <summary>
    /// Records <paramref name="phase"/> of the branch and runs <paramref name="work"/> only when this is its first
    /// effective arrival (<see cref="TccOutcome.Executed"/>). Must run inside a transaction the caller opened on
    /// <paramref name="db"/> (READ COMMITTED or stronger) and commits together with the business change and the
    /// reply; if <paramref name="work"/> throws, the caller's rollback removes the barrier row too, so a retry runs
    /// it again.
    /// </summary>
    /// <param name="db">The participant's context, its model built with <see cref="TccBarrierModel.AddTccBarrier"/>.</param>
    /// <param name="transactionId">The global transaction (for example the transfer id).</param>
    /// <param name="branchId">The branch, a version 7 UUID (<see cref="NewBranchId"/>).</param>
    /// <param name="phase">The phase asked for.</param>
    /// <param name="work">The business change of this phase, writing through <paramref name="db"/>.</param>
    /// <param name="cancellationToken">Cancels the database calls.</param>
    /// <exception cref="InvalidOperationException">No transaction is open on <paramref name="db"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="branchId"/> is not a version 7 UUID.</exception>
    public static async Task<TccOutcome> RunAsync(DbContext db, Guid transactionId, Guid branchId, TccPhase phase,
        Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        var issuedAt = IssuedAt(branchId);
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException(
            "TccBarrier.RunAsync must run inside the caller's transaction: call Database.BeginTransactionAsync first.");
        var sql = new BarrierSql(transaction, transactionId, branchId, issuedAt);

        var outcome = await DecideAsync(sql, phase, cancellationToken);
        if (outcome == TccOutcome.Executed)
            await work(cancellationToken);
        return outcome;
    }

    // Rows older than the horizon may be gone: whatever such a branch did, it cannot be told any more. Each phase reads
    // the horizon in the round trip of its first decision, and writes nothing for a branch beyond it.
    static async Task<TccOutcome> DecideAsync(BarrierSql sql, TccPhase phase, CancellationToken ct)
    {
        switch (phase)
        {
            case TccPhase.Try:
            {
                var (beyond, inserted) = await sql.InsertWithinHorizonAsync(BarrierSql.Try, BarrierSql.Try, ct);
                if (beyond)
                    return TccOutcome.RefusedHanging;
                if (inserted)
                    return TccOutcome.Executed;
                return await sql.TryRowOriginAsync(ct) == BarrierSql.Cancel ? TccOutcome.RefusedHanging : TccOutcome.Duplicate;
            }
            case TccPhase.Confirm:
                return await SettleAsync(sql, BarrierSql.Confirm, BarrierSql.Cancel, ct);
            case TccPhase.Cancel:
            {
                // Taking the Try's place first both detects "no Try yet" and blocks a Try that arrives later.
                var (beyond, inserted) = await sql.InsertWithinHorizonAsync(BarrierSql.Try, BarrierSql.Cancel, ct);
                if (beyond)
                    return TccOutcome.Expired;
                if (inserted)
                {
                    await sql.InsertAsync(BarrierSql.Cancel, BarrierSql.Cancel, ct);
                    return TccOutcome.NullCompensation;
                }
                return await SettleAsync(sql, BarrierSql.Cancel, BarrierSql.Confirm, ct);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(phase), phase, "Unknown TCC phase.");
        }
    }

    /// <summary>
    /// Confirm and Cancel of a tried branch exclude each other. Both lock the branch's "try" row first, so the two take
    /// turns; the one that comes second reads, after the lock, the settlement the first recorded, and is refused. The
    /// phase is recorded in the same round trip exactly when the answer is <see cref="TccOutcome.Executed"/>.
    /// </summary>
    static async Task<TccOutcome> SettleAsync(BarrierSql sql, string phase, string other, CancellationToken ct)
    {
        var found = await sql.SettleAsync(phase, ct);
        var outcome = found.BeyondHorizon ? TccOutcome.Expired
            : !found.Tried ? TccOutcome.RefusedNotTried
            : found.Settled.Contains(phase) ? TccOutcome.Duplicate
            : found.Settled.Contains(other) ? TccOutcome.RefusedSettledOtherwise
            : TccOutcome.Executed;
        if (found.Recorded != (outcome == TccOutcome.Executed))
            throw new InvalidOperationException(
                $"The barrier's record of {phase} disagrees with what it read ({outcome}, recorded: {found.Recorded}).");
        return outcome;
    }

    /// <summary>How many rows <see cref="PurgeAsync(DbContext, DateTimeOffset, CancellationToken)"/> deletes per transaction.</summary>
    public const int DefaultPurgeBatchSize = 1_000;

    /// <summary>
    /// Deletes the barrier rows of branches issued before <paramref name="issuedBefore"/>, in batches of
    /// <see cref="DefaultPurgeBatchSize"/>; see <see cref="PurgeAsync(DbContext, DateTimeOffset, int, CancellationToken)"/>.
    /// </summary>
    /// <returns>How many rows were deleted.</returns>
    public static Task<int> PurgeAsync(DbContext db, DateTimeOffset issuedBefore,
        CancellationToken cancellationToken = default) =>
        PurgeAsync(db, issuedBefore, DefaultPurgeBatchSize, cancellationToken);

    /// <summary>
    /// Moves the clean-up horizon to <paramref name="issuedBefore"/> and commits, then deletes the rows of branches
    /// issued before it in batches of <paramref name="batchSize"/>, each in a transaction of its own, so that branch
    /// calls running meanwhile wait at most for the horizon's one-row update, never for the deletes. From the
    /// horizon's commit on, a Try of such a branch is refused and its Confirm or Cancel is
    /// <see cref="TccOutcome.Expired"/> whether or not its rows are deleted yet, so clean-up never lets a late message
    /// take effect. Choose <paramref name="issuedBefore"/> older than the longest time a coordinator keeps retrying a
    /// branch (see README). Stopped half way (cancelled, or a failed batch), it leaves the horizon moved and the rows
    /// not yet deleted for the next run.
    /// </summary>
    /// <param name="db">The participant's context, its model built with <see cref="TccBarrierModel.AddTccBarrier"/>.</param>
    /// <param name="issuedBefore">The new horizon; a horizon is never moved back.</param>
    /// <param name="batchSize">Rows deleted per transaction, at least 1.</param>
    /// <param name="cancellationToken">Stops the clean-up between or within batches.</param>
    /// <returns>How many rows were deleted.</returns>
    public static Task<int> PurgeAsync(DbContext db, DateTimeOffset issuedBefore, int batchSize,
        CancellationToken cancellationToken = default) =>
        BarrierPurge.RunAsync(db, issuedBefore, batchSize, cancellationToken);

    /// <summary>
    /// The barrier rows of <paramref name="transactionIds"/>: which phases of which branches this participant has
    /// recorded, and what recorded them (a Cancel that arrived first records the Try's place with origin "cancel").
    /// For reconciliation and support; rows older than the clean-up horizon are gone.
    /// </summary>
    public static async Task<IReadOnlyList<TccBarrierRecord>> RecordsAsync(DbContext db,
        IReadOnlyCollection<Guid> transactionIds, CancellationToken cancellationToken = default) =>
        await db.Set<TccBarrierEntry>().AsNoTracking()
            .Where(e => transactionIds.Contains(e.TransactionId))
            .OrderBy(e => e.TransactionId).ThenBy(e => e.BranchId).ThenBy(e => e.RecordedAt)
            .Select(e => new TccBarrierRecord(e.TransactionId, e.BranchId, e.Phase, e.Origin, e.RecordedAt))
            .ToListAsync(cancellationToken);

    static DateTimeOffset IssuedAt(Guid branchId)
    {
        if (branchId.Version != 7)
            throw new ArgumentException(
                "The branch id must be a version 7 UUID (TccBarrier.NewBranchId or Guid.CreateVersion7), so that the " +
                "barrier can tell branches older than its clean-up horizon.", nameof(branchId));
        Span<byte> bytes = stackalloc byte[16];
        branchId.TryWriteBytes(bytes, bigEndian: true, out _);
        long milliseconds = 0;
        for (var i = 0; i < 6; i++)
            milliseconds = (milliseconds << 8) | bytes[i];
        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
    }
}
