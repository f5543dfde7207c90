using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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
        "UPDATE tcc_barrier_horizon SET purged_before = GREATEST(purged_before, @issued_before) WHERE id = 1 " +
        "RETURNING purged_before";

    // Walks ix_tcc_barrier_issued_at from where the last batch stopped instead of from its start, where the entries of
    // the rows already deleted stay until vacuum and would be read again by every batch.
    const string DeleteBatch = """
        WITH doomed AS (
            SELECT transaction_id, branch_id, phase FROM tcc_barrier
            WHERE issued_at >= @from AND issued_at < @horizon
            ORDER BY issued_at
            LIMIT @batch)
        DELETE FROM tcc_barrier b USING doomed d
        WHERE b.transaction_id = d.transaction_id AND b.branch_id = d.branch_id AND b.phase = d.phase
        RETURNING b.issued_at
        """;

    public static async Task<int> RunAsync(DbContext db, DateTimeOffset issuedBefore, int batchSize,
        CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var horizon = await InTransactionAsync(db, (connection, transaction) =>
            MoveHorizonAsync(connection, transaction, issuedBefore, ct), ct);

        // From here on every barrier call of a branch behind the horizon answers from the horizon alone and reads no
        // row of it, so the rows can go in any number of transactions.
        var deleted = 0;
        // Branch ids are version 7 UUIDs: none was issued before their epoch.
        var from = DateTime.UnixEpoch;
        while (true)
        {
            var (rows, last) = await InTransactionAsync(db, (connection, transaction) =>
                DeleteBatchAsync(connection, transaction, from, horizon, batchSize, ct), ct);
            deleted += rows;
            if (rows < batchSize)
                return deleted;
            from = last;
        }
    }

    static async Task<DateTime> MoveHorizonAsync(DbConnection connection, DbTransaction transaction,
        DateTimeOffset issuedBefore, CancellationToken ct)
    {
        // Updating the horizon row waits for barrier calls holding it FOR SHARE, and makes later ones wait for the
        // commit, which comes right after: the calls wait for this one statement, not for the deletes.
        await using var command = Command(connection, transaction, MoveHorizon);
        BarrierSql.Add(command, "issued_before", issuedBefore.ToUniversalTime());
        return (DateTime)(await command.ExecuteScalarAsync(ct))!;
    }

    static async Task<(int Rows, DateTime Last)> DeleteBatchAsync(DbConnection connection, DbTransaction transaction,
        DateTime from, DateTime horizon, int batchSize, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, DeleteBatch);
        BarrierSql.Add(command, "from", from);
        BarrierSql.Add(command, "horizon", horizon);
        BarrierSql.Add(command, "batch", batchSize);
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

    static async Task<T> InTransactionAsync<T>(DbContext db, Func<DbConnection, DbTransaction, Task<T>> work,
        CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await work(db.Database.GetDbConnection(), transaction.GetDbTransaction());
        await transaction.CommitAsync(ct);
        return result;
    }

    static DbCommand Command(DbConnection connection, DbTransaction transaction, string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }
}
