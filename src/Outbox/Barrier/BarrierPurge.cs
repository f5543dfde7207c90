using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Barrier;

/// <summary>
/// The clean-up behind <see cref="TccBarrier.PurgeAsync(DbContext, DateTimeOffset, int, CancellationToken)"/>: the
/// horizon moves in a short transaction of its own, then the rows behind it go in small batches, each committed alone,
/// so branch calls never wait for more than one batch's worth of work.
/// </summary>
internal static class BarrierPurge
{
    // Returns the horizon in force afterwards: a concurrent purge may have moved it further already.
    const string MoveHorizon =
        "UPDATE tcc_barrier_horizon SET purged_before = GREATEST(purged_before, $1) WHERE id = 1 " +
        "RETURNING purged_before";

    // Walks ix_tcc_barrier_issued_at from where the last batch stopped instead of from its start, where the entries of
    // the rows already deleted stay until vacuum and would be read again by every batch.
    const string DeleteBatch = """
        WITH doomed AS (
            SELECT transaction_id, branch_id, phase FROM tcc_barrier
            WHERE issued_at >= $1 AND issued_at < $2
            ORDER BY issued_at
            LIMIT $3)
        DELETE FROM tcc_barrier b USING doomed d
        WHERE b.transaction_id = d.transaction_id AND b.branch_id = d.branch_id AND b.phase = d.phase
        RETURNING b.issued_at
        """;

    public static async Task<int> RunAsync(DbContext db, DateTimeOffset issuedBefore, int batchSize,
        CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var horizon = await InTransactionAsync(db, transaction => MoveHorizonAsync(transaction, issuedBefore, ct), ct);

        // From here on every barrier call of a branch behind the horizon answers from the horizon alone and reads no
        // row of it, so the rows can go in any number of transactions.
        var deleted = 0;
        // Branch ids are version 7 UUIDs: none was issued before their epoch.
        var from = DateTime.UnixEpoch;
        while (true)
        {
            var (rows, last) = await InTransactionAsync(db, transaction =>
                DeleteBatchAsync(transaction, from, horizon, batchSize, ct), ct);
            deleted += rows;
            if (rows < batchSize)
                return deleted;
            from = last;
        }
    }

    static async Task<DateTime> MoveHorizonAsync(DbTransaction transaction, DateTimeOffset issuedBefore,
        CancellationToken ct)
    {
        // Updating the horizon row waits for barrier calls holding it FOR SHARE, and makes later ones wait for the
        // commit, which comes right after: the calls wait for this one statement, not for the deletes.
        await using var command = transaction.Command(MoveHorizon, issuedBefore.ToUniversalTime());
        return (DateTime)(await command.ExecuteScalarAsync(ct))!;
    }

    static async Task<(int Rows, DateTime Last)> DeleteBatchAsync(DbTransaction transaction, DateTime from,
        DateTime horizon, int batchSize, CancellationToken ct)
    {
        await using var command = transaction.Command(DeleteBatch, from, horizon, batchSize);
        var (rows, last) = (0, from);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows++;
            var issuedAt = reader.GetDateTime(0);
            if (issuedAt > last)
                last = issuedAt;
        }
        return (rows, last);
    }

    static async Task<T> InTransactionAsync<T>(DbContext db, Func<DbTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await work(transaction.GetDbTransaction());
        await transaction.CommitAsync(ct);
        return result;
    }
}
