using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Transactions.Outbox.Sagas;

/// <summary>
/// Recognises the failures that mean "another consumer changed this saga first": retrying the message reloads the
/// saga and applies the event to the current state, so these are retried rather than sent to the error queue.
/// </summary>
public static class SagaConflict
{
    /// <summary>
    /// True for a stale optimistic update (<see cref="DbUpdateConcurrencyException"/>), a duplicate insert of the same
    /// correlation id (unique violation), a serialization failure, a deadlock and a lock not granted in time (a commit
    /// group's later member gives up waiting for another instance's group), anywhere in the exception chain.
    /// </summary>
    public static bool IsConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbUpdateConcurrencyException)
                return true;
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or
                PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or
                PostgresErrorCodes.LockNotAvailable })
                return true;
        }
        return false;
    }

    /// <summary>True when the exception chain holds a unique key violation (the saga row already exists).</summary>
    public static bool IsDuplicateKey(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
                return true;
        }
        return false;
    }
}
