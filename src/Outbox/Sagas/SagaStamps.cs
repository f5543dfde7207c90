namespace Transactions.Outbox.Sagas;

/// <summary>What the repository writes on a saga besides the state machine's own changes.</summary>
static class SagaStamps
{
    /// <summary>A new saga: first version, created and updated now.</summary>
    public static void Inserted(ITrackedSaga saga, DateTimeOffset now)
    {
        saga.Version = 1;
        saga.CreatedAt = now;
        saga.UpdatedAt = now;
    }

    /// <summary>
    /// An existing saga: the next version (the update matches only the version it was loaded with) and updated now.
    /// </summary>
    public static void Updated(ITrackedSaga saga, DateTimeOffset now)
    {
        saga.Version++;
        saga.UpdatedAt = now;
    }
}
