using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Transactions.Outbox.Inbox;

/// <summary>The inbox's two statements: claim a message for a consumer, and remove expired claims.</summary>
static class InboxRecord
{
    // Positional parameters, sent on the context's connection rather than through EF Core's raw SQL: the claim runs for
    // every consumed message, and Npgsql sends a statement with $n parameters as it is, where named ones make it parse
    // and rewrite the text each time (bench/README.md: the claim's share of the process's allocations).
    const string Insert = "INSERT INTO " + InboxStateMapping.Table + " (message_id, consumer, received_at) " +
        "VALUES ($1, $2, $3) ON CONFLICT (message_id, consumer) DO NOTHING";

    // Batched so that a large backlog never holds one long lock or transaction.
    const string DeleteExpired = "DELETE FROM " + InboxStateMapping.Table + " WHERE ctid IN (SELECT ctid FROM " +
        InboxStateMapping.Table + " WHERE received_at < {0} LIMIT {1})";

    /// <summary>
    /// Inserts the inbox row in the current transaction; false when it already exists, that is the consumer has
    /// already committed this message. A concurrent duplicate waits on the first one's row lock and then sees it.
    /// The <c>savepoint</c> statements (a commit group's), when given, run first in the same round trip. That round
    /// trip is not cancelled: a token cancelled before it reached the server would leave the member no savepoint, and
    /// the rollback to it would fail the whole group's transaction. Its wait is bounded by the lock timeout it sets.
    /// </summary>
    public static async Task<bool> TryClaimAsync(DbContext db, Guid messageId, string consumer, DateTime utcNow,
        IReadOnlyList<string>? savepoint, CancellationToken cancellationToken)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The inbox claim runs in the transaction of the consumed message.");
        await using var batch = transaction.Connection!.CreateBatch();
        batch.Transaction = transaction;
        foreach (var statement in savepoint ?? [])
            batch.BatchCommands.Add(Command(batch, statement));
        var insert = Command(batch, Insert, messageId, consumer, utcNow);
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(savepoint is null ? cancellationToken : CancellationToken.None);
        return insert.RecordsAffected == 1;
    }

    static DbBatchCommand Command(DbBatch batch, string sql, params object[] values)
    {
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        foreach (var value in values)
        {
            var parameter = command.CreateParameter();
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>Deletes up to <paramref name="limit"/> rows received before <paramref name="cutoff"/>.</summary>
    public static Task<int> DeleteExpiredAsync(DbContext db, DateTime cutoff, int limit,
        CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(DeleteExpired, [cutoff, limit], cancellationToken);
}
