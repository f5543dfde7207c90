using System.Data.Common;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Barrier;

/// <summary>
/// The barrier's statements for one branch, on the caller's connection and transaction. Each decision is one round
/// trip: the statements it needs go to the server as one batch, and the rows they would write are written by the batch
/// only under the conditions the decision needs, so that nothing has to be undone once the answer is read.
/// </summary>
internal sealed class BarrierSql(DbTransaction transaction, Guid transactionId, Guid branchId, DateTimeOffset issuedAt)
{
    // The values of the "phase" and "origin" columns.
    public const string Try = "try";
    public const string Confirm = "confirm";
    public const string Cancel = "cancel";

    // FOR SHARE makes a branch call and a concurrent clean-up take turns, so a row cannot vanish between this read and
    // the statements after it in the same transaction, which rely on it.
    const string ReadHorizon = "SELECT purged_before FROM tcc_barrier_horizon WHERE id = 1 FOR SHARE";

    // The statements' parameters, by position: $1 transaction id, $2 branch id, $3 issued at, $4 phase, $5 origin.
    // A statement is given exactly the ones it names (Branch, Issued or Row below).
    const string InsertRow = "INSERT INTO tcc_barrier (transaction_id, branch_id, phase, origin, issued_at, recorded_at) ";

    // A branch issued before the horizon may have lost its rows: nothing is recorded for it, and none of its rows is
    // locked, since a clean-up running may be deleting them and a branch call must not wait for a clean-up.
    const string WithinHorizon = "NOT EXISTS (SELECT 1 FROM tcc_barrier_horizon WHERE id = 1 AND purged_before > $3)";

    const string InsertRowWithinHorizon = InsertRow + "SELECT $1, $2, $4, $5, $3, now() WHERE " + WithinHorizon;

    const string OfBranch = "FROM tcc_barrier WHERE transaction_id = $1 AND branch_id = $2";

    /// <summary>Inserts the phase's row; false when it was already there (a concurrent insert waits for its twin).</summary>
    public async Task<bool> InsertAsync(string phase, string origin, CancellationToken ct)
    {
        await using var command = transaction.Command(
            InsertRow + "VALUES ($1, $2, $4, $5, $3, now()) ON CONFLICT DO NOTHING", Row(phase, origin));
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Reads the horizon and, when the branch was issued after it, inserts the phase's row: one round trip. Inserted is
    /// false when the branch is beyond the horizon or the row was already there.
    /// </summary>
    public async Task<(bool BeyondHorizon, bool Inserted)> InsertWithinHorizonAsync(string phase, string origin,
        CancellationToken ct)
    {
        await using var batch = transaction.Connection!.Batch(transaction);
        batch.Add(ReadHorizon);
        var insert = batch.Add(InsertRowWithinHorizon + " ON CONFLICT DO NOTHING", Row(phase, origin));
        bool beyond;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
            beyond = await ReadBeyondHorizonAsync(reader, ct);
        return (beyond, insert.RecordsAffected == 1);
    }

    /// <summary>Which call wrote the branch's "try" row: "try", or "cancel" when the Cancel came first.</summary>
    public async Task<string?> TryRowOriginAsync(CancellationToken ct)
    {
        await using var command = transaction.Command("SELECT origin " + OfBranch + " AND phase = 'try'", Branch());
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// A Confirm's or Cancel's decision, in one round trip: reads the horizon, locks the branch's "try" row, reads which
    /// of Confirm and Cancel are recorded, and records <paramref name="phase"/> when the branch is within the horizon,
    /// was tried and is not settled yet. The read and the insert are statements of their own after the lock: under READ
    /// COMMITTED each takes its snapshot once the lock is held, so both see the settlement of the transaction that held
    /// the lock before (a join in the locking statement would read with the older snapshot and miss it), and the
    /// insert's conditions are the read's.
    /// </summary>
    public async Task<Settlement> SettleAsync(string phase, CancellationToken ct)
    {
        await using var batch = transaction.Connection!.Batch(transaction);
        batch.Add(ReadHorizon);
        batch.Add("SELECT 1 " + OfBranch + " AND phase = 'try' AND " + WithinHorizon + " FOR UPDATE", Issued());
        batch.Add("SELECT phase " + OfBranch + " AND phase <> 'try'", Branch());
        var insert = batch.Add(InsertRowWithinHorizon +
            " AND EXISTS (SELECT 1 " + OfBranch + " AND phase = 'try')" +
            " AND NOT EXISTS (SELECT 1 " + OfBranch + " AND phase <> 'try') ON CONFLICT DO NOTHING", Row(phase, phase));

        bool beyond, tried;
        var settled = new List<string>(1);
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            beyond = await ReadBeyondHorizonAsync(reader, ct);
            await reader.NextResultAsync(ct);
            tried = await reader.ReadAsync(ct);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                settled.Add(reader.GetString(0));
        }
        return new Settlement(beyond, tried, settled, insert.RecordsAffected == 1);
    }

    /// <summary>What <see cref="SettleAsync"/> found, and whether it recorded the phase.</summary>
    public sealed record Settlement(bool BeyondHorizon, bool Tried, IReadOnlyList<string> Settled, bool Recorded);

    async Task<bool> ReadBeyondHorizonAsync(DbDataReader reader, CancellationToken ct) =>
        await reader.ReadAsync(ct) && reader.GetFieldValue<DateTime>(0) is var purgedBefore
            && issuedAt.UtcDateTime < purgedBefore;

    object[] Branch() => [transactionId, branchId];

    object[] Issued() => [transactionId, branchId, issuedAt];

    object[] Row(string phase, string origin) => [transactionId, branchId, issuedAt, phase, origin];
}
