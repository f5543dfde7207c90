using System.Data.Common;

namespace Transactions.Outbox.Barrier;

/// <summary>
/// The barrier's statements for one branch, on the caller's connection and transaction. Each decision is one round
/// trip: the statements it needs go to the server as one batch, and the rows they would write are written by the batch
/// only under the conditions the decision needs, so that nothing has to be undone once the answer is read.
/// </summary>
internal sealed class BarrierSql(DbConnection connection, DbTransaction transaction, Guid transactionId, Guid branchId,
    DateTimeOffset issuedAt)
{
    // The values of the "phase" and "origin" columns.
    public const string Try = "try";
    public const string Confirm = "confirm";
    public const string Cancel = "cancel";

    // FOR SHARE makes a branch call and a concurrent clean-up take turns, so a row cannot vanish between this read and
    // the statements after it in the same transaction, which rely on it.
    const string ReadHorizon = "SELECT purged_before FROM tcc_barrier_horizon WHERE id = 1 FOR SHARE";

    const string InsertRow = "INSERT INTO tcc_barrier (transaction_id, branch_id, phase, origin, issued_at, recorded_at) ";

    // A branch issued before the horizon may have lost its rows: nothing is recorded for it, and none of its rows is
    // locked, since a clean-up running may be deleting them and a branch call must not wait for a clean-up.
    const string WithinHorizon =
        "NOT EXISTS (SELECT 1 FROM tcc_barrier_horizon WHERE id = 1 AND purged_before > @issued_at)";

    const string InsertRowWithinHorizon = InsertRow +
        "SELECT @transaction_id, @branch_id, @phase, @origin, @issued_at, now() WHERE " + WithinHorizon;

    const string OfBranch = "FROM tcc_barrier WHERE transaction_id = @transaction_id AND branch_id = @branch_id";

    /// <summary>Inserts the phase's row; false when it was already there (a concurrent insert waits for its twin).</summary>
    public async Task<bool> InsertAsync(string phase, string origin, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertRow +
            "VALUES (@transaction_id, @branch_id, @phase, @origin, @issued_at, now()) ON CONFLICT DO NOTHING";
        AddRowParameters(command.Parameters, command.CreateParameter, phase, origin);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Reads the horizon and, when the branch was issued after it, inserts the phase's row: one round trip. Inserted is
    /// false when the branch is beyond the horizon or the row was already there.
    /// </summary>
    public async Task<(bool BeyondHorizon, bool Inserted)> InsertWithinHorizonAsync(string phase, string origin,
        CancellationToken ct)
    {
        await using var batch = Batch();
        batch.BatchCommands.Add(BatchCommand(batch, ReadHorizon));
        var insert = BatchCommand(batch, InsertRowWithinHorizon + " ON CONFLICT DO NOTHING", phase, origin);
        batch.BatchCommands.Add(insert);
        bool beyond;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
            beyond = await ReadBeyondHorizonAsync(reader, ct);
        return (beyond, insert.RecordsAffected == 1);
    }

    /// <summary>Which call wrote the branch's "try" row: "try", or "cancel" when the Cancel came first.</summary>
    public async Task<string?> TryRowOriginAsync(CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT origin " + OfBranch + " AND phase = 'try'";
        AddBranchParameters(command.Parameters, command.CreateParameter);
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
        await using var batch = Batch();
        batch.BatchCommands.Add(BatchCommand(batch, ReadHorizon));
        batch.BatchCommands.Add(BatchCommand(batch,
            "SELECT 1 " + OfBranch + " AND phase = 'try' AND " + WithinHorizon + " FOR UPDATE"));
        batch.BatchCommands.Add(BatchCommand(batch, "SELECT phase " + OfBranch + " AND phase <> 'try'"));
        var insert = BatchCommand(batch, InsertRowWithinHorizon +
            " AND EXISTS (SELECT 1 " + OfBranch + " AND phase = 'try')" +
            " AND NOT EXISTS (SELECT 1 " + OfBranch + " AND phase <> 'try') ON CONFLICT DO NOTHING", phase, phase);
        batch.BatchCommands.Add(insert);

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

    DbBatch Batch()
    {
        var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        return batch;
    }

    DbBatchCommand BatchCommand(DbBatch batch, string text, string? phase = null, string? origin = null)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = text;
        if (phase is null || origin is null)
            AddBranchParameters(command.Parameters, command.CreateParameter);
        else
            AddRowParameters(command.Parameters, command.CreateParameter, phase, origin);
        return command;
    }

    void AddBranchParameters(DbParameterCollection parameters, Func<DbParameter> create)
    {
        Add(parameters, create(), "transaction_id", transactionId);
        Add(parameters, create(), "branch_id", branchId);
        Add(parameters, create(), "issued_at", issuedAt);
    }

    void AddRowParameters(DbParameterCollection parameters, Func<DbParameter> create, string phase, string origin)
    {
        AddBranchParameters(parameters, create);
        Add(parameters, create(), "phase", phase);
        Add(parameters, create(), "origin", origin);
    }

    internal static void Add(DbCommand command, string name, object value) =>
        Add(command.Parameters, command.CreateParameter(), name, value);

    static void Add(DbParameterCollection parameters, DbParameter parameter, string name, object value)
    {
        parameter.ParameterName = name;
        parameter.Value = value;
        parameters.Add(parameter);
    }
}
