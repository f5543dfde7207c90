using System.Data.Common;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Dispatch;

/// <summary>
/// Finds the conversations of just written messages that have older rows in the table which this process is not
/// sending itself: a row another process wrote and has not delivered yet, or one whose send failed. Those
/// conversations must wait for the delivery service, which keeps their order.
/// </summary>
static class OlderRows
{
    // Served by ix_outbox_message_partition_key (partition_key, sequence_number). Rows newer than the written ones are
    // left out here rather than in SQL: given "sequence_number < $2", the generic plan of the prepared statement walks
    // the primary key over every older row of the table, live or dead, and a table whose rows are written and deleted
    // all day holds thousands of dead ones between two autovacuum runs (bench/README.md: 89-498 buffers read per call).
    const string Query = "SELECT partition_key, sequence_number FROM " + OutboxMessageMapping.Table +
        " WHERE partition_key = ANY(@keys)";

    /// <summary>
    /// The conversations of <paramref name="written"/> that have an older row that is neither one of them nor one
    /// <paramref name="isOwn"/> says this process is sending. Runs on the writing transaction (before its commit)
    /// or, after an implicit commit, on the connection alone.
    /// </summary>
    public static async Task<IReadOnlySet<Guid>> HeldBackAsync(DbConnection connection, DbTransaction? transaction,
        IReadOnlyList<OutboxMessage> written, Func<long, bool> isOwn, CancellationToken cancellationToken)
    {
        // Every row a transaction wrote may have been rolled back to a savepoint (a failed member of a commit group).
        if (written.Count == 0)
            return NoneHeldBack;
        var writtenRows = written.Select(m => m.SequenceNumber).ToHashSet();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Query;
        Add(command, "keys", written.Select(m => m.PartitionKey).Distinct().ToArray());
        var newest = writtenRows.Max();
        var heldBack = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sequenceNumber = reader.GetInt64(1);
            if (sequenceNumber < newest && !writtenRows.Contains(sequenceNumber) && !isOwn(sequenceNumber))
                heldBack.Add(reader.GetGuid(0));
        }
        return heldBack;
    }

    public static readonly IReadOnlySet<Guid> NoneHeldBack = new HashSet<Guid>();

    static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
