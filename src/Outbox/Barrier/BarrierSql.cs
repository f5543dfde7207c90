using System.Data.Common;

namespace Transactions.Outbox.Barrier;

/// <summary>The barrier's statements for one branch, on the caller's connection and transaction.</summary>
internal sealed class BarrierSql(DbConnection connection, DbTransaction transaction, Guid transactionId, Guid branchId,
    DateTimeOffset issuedAt)
{
    // The values of the "phase" and "origin" columns.
    public const string Try = "try";
    public const string Confirm = "confirm";
    public const string Cancel = "cancel";

    /// <summary>
    /// True when the branch was issued before the clean-up horizon. FOR SHARE makes this call and a concurrent
    /// clean-up take turns, so a row cannot vanish between this check and the insert that relies on it.
    /// </summary>
    public async Task<bool> IsBeyondHorizonAsync(CancellationToken ct)
    {
        await using var command = Command("SELECT purged_before FROM tcc_barrier_horizon WHERE id = 1 FOR SHARE");
        var horizon = await command.ExecuteScalarAsync(ct);
        return horizon is DateTime purgedBefore && issuedAt.UtcDateTime < purgedBefore;
    }

    /// <summary>Inserts the phase's row; false when it was already there (a concurrent insert waits for its twin).</summary>
    public async Task<bool> InsertAsync(string phase, string origin, CancellationToken ct)
    {
        await using var command = Command(
            "INSERT INTO tcc_barrier (transaction_id, branch_id, phase, origin, issued_at, recorded_at) " +
            "VALUES (@transaction_id, @branch_id, @phase, @origin, @issued_at, now()) ON CONFLICT DO NOTHING");
        Add(command, "phase", phase);
        Add(command, "origin", origin);
        Add(command, "issued_at", issuedAt);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Which call wrote the branch's "try" row: "try", or "cancel" when the Cancel came first.</summary>
    public async Task<string?> TryRowOriginAsync(CancellationToken ct)
    {
        await using var command = Command(
            "SELECT origin FROM tcc_barrier WHERE transaction_id = @transaction_id AND branch_id = @branch_id AND phase = 'try'");
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// Locks the branch's "try" row (false when there is none) and then reads which of Confirm and Cancel are recorded.
    /// The read is a statement of its own after the lock: under READ COMMITTED its snapshot is taken once the lock is
    /// held, so it sees the settlement of the transaction that held the lock before; a join in the locking statement
    /// would read with the older snapshot and miss it. One round trip for both.
    /// </summary>
    public async Task<(bool Tried, IReadOnlyList<string> Settled)> LockTryAndReadSettlementAsync(CancellationToken ct)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        batch.BatchCommands.Add(BatchCommand(batch,
            "SELECT 1 FROM tcc_barrier WHERE transaction_id = @transaction_id AND branch_id = @branch_id AND phase = 'try' FOR UPDATE"));
        batch.BatchCommands.Add(BatchCommand(batch,
            "SELECT phase FROM tcc_barrier WHERE transaction_id = @transaction_id AND branch_id = @branch_id AND phase <> 'try'"));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var tried = await reader.ReadAsync(ct);
        await reader.NextResultAsync(ct);
        var settled = new List<string>(1);
        while (await reader.ReadAsync(ct))
            settled.Add(reader.GetString(0));
        return (tried, settled);
    }

    DbBatchCommand BatchCommand(DbBatch batch, string text)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = text;
        Add(command.Parameters, command.CreateParameter(), "transaction_id", transactionId);
        Add(command.Parameters, command.CreateParameter(), "branch_id", branchId);
        return command;
    }

    DbCommand Command(string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        Add(command, "transaction_id", transactionId);
        Add(command, "branch_id", branchId);
        return command;
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
