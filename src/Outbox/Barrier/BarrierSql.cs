using System.Data.Common;

namespace Transactions.Outbox.Barrier;

/// <summary>The barrier's statements for one branch, on the caller's connection and transaction.</summary>
internal sealed class BarrierSql(DbConnection connection, DbTransaction transaction, Guid transactionId, Guid branchId,
    DateTimeOffset issuedAt)
{
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

    DbCommand Command(string text)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        Add(command, "transaction_id", transactionId);
        Add(command, "branch_id", branchId);
        return command;
    }

    static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
