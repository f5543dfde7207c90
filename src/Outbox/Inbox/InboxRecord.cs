using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Inbox;

/// <summary>The inbox's two statements: claim a message for a consumer, and remove expired claims.</summary>
static class InboxRecord
{
    // Positional parameters, sent on the context's connection rather than through EF Core's raw SQL, which builds the
    // command anew and has Npgsql rewrite its named parameters: the claim runs for every consumed message.
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
        await using var batch = transaction.Connection!.Batch(transaction);
        foreach (var statement in savepoint ?? [])
            batch.Add(statement);
        var insert = batch.Add(Insert, messageId, consumer, utcNow);
        await batch.ExecuteNonQueryAsync(savepoint is null ? cancellationToken : CancellationToken.None);
        return insert.RecordsAffected == 1;
    }

    /// <summary>Deletes up to <paramref name="limit"/> rows received before <paramref name="cutoff"/>.</summary>
    public static Task<int> DeleteExpiredAsync(DbContext db, DateTime cutoff, int limit,
        CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(DeleteExpired, [cutoff, limit], cancellationToken);
}
