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
    // Served by ix_outbox_message_partition_key (partition_key, sequence_number); rows newer than the written ones are
    // left out in code. Planned for each call (plan_cache_mode, set for this statement alone and reset in the same
    // round trip): the statement is prepared, and a plan PostgreSQL keeps for it is the one that was cheapest when
    // the connection first ran it, a sequential scan while the table was small. A table whose rows are written and
    // deleted all day grows to thousands of pages of dead rows between two autovacuum runs, and that kept plan then
    // read all of them on every commit (bench/README.md: up to 755 buffers per call).
    const string Query = "SELECT partition_key, sequence_number FROM " + OutboxMessageMapping.Table +
        " WHERE partition_key = ANY($1)";

    const string PlanEachCall = "SET plan_cache_mode = force_custom_plan";
    const string PlanAsBefore = "RESET plan_cache_mode";

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
        await using var batch = connection.Batch(transaction);
        batch.Add(PlanEachCall);
        batch.Add(Query, written.Select(m => m.PartitionKey).Distinct().ToArray());
        batch.Add(PlanAsBefore);
        var newest = writtenRows.Max();
        var heldBack = new HashSet<Guid>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var sequenceNumber = reader.GetInt64(1);
            if (sequenceNumber < newest && !writtenRows.Contains(sequenceNumber) && !isOwn(sequenceNumber))
                heldBack.Add(reader.GetGuid(0));
        }
        return heldBack;
    }

    public static readonly IReadOnlySet<Guid> NoneHeldBack = new HashSet<Guid>();
}
