using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Transactions.Participants.Persistence;

/// <summary>
/// One local transaction around a participant's change. Inside a consumer behind the outbox, the outbox has opened it
/// already, so the change, the inbox row and the reply commit together; called from elsewhere (a test, a tool), the
/// change gets a transaction of its own.
/// </summary>
public static class LocalTransaction
{
    /// <summary>
    /// Runs <paramref name="work"/> in the transaction open on <paramref name="db"/>, or in a new one it commits.
    /// </summary>
    /// <param name="db">The participant's context.</param>
    /// <param name="work">The change; it gets the transaction, for savepoints.</param>
    /// <param name="cancellationToken">Cancels the begin and the commit.</param>
    public static async Task<T> RunAsync<T>(DbContext db, Func<IDbContextTransaction, Task<T>> work,
        CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is { } ambient)
            return await work(ambient);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work(transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    public static Task RunAsync(DbContext db, Func<IDbContextTransaction, Task> work,
        CancellationToken cancellationToken) =>
        RunAsync(db, async transaction =>
        {
            await work(transaction);
            return true;
        }, cancellationToken);
}
