namespace Transactions.Outbox.Sagas;

/// <summary>
/// How the saga endpoint retries a message that lost a race for the same saga (see <see cref="SagaConflict"/>):
/// MassTransit's exponential backoff, waiting <see cref="MinInterval"/> plus <see cref="IntervalDelta"/> times 2^n
/// (capped at <see cref="MaxInterval"/>, with jitter) before retry n, at most <see cref="RetryLimit"/> times, after
/// which the message faults to the endpoint's error queue.
/// </summary>
public sealed class PostgresSagaRepositoryOptions
{
    /// <summary>Retries per message after a conflict. Default 20: under heavy contention on one saga every retry
    /// but one loses again, and each costs only a reload.</summary>
    public int RetryLimit { get; set; } = 20;

    /// <summary>First wait before a retry. Default 10 ms.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest wait between retries. Default 1 s.</summary>
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Growth of the wait per retry. Default 15 ms.</summary>
    public TimeSpan IntervalDelta { get; set; } = TimeSpan.FromMilliseconds(15);

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (RetryLimit is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(RetryLimit), RetryLimit, "Must be between 1 and 100.");
        if (MinInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(MinInterval), MinInterval, "Must be positive.");
        if (MaxInterval < MinInterval)
            throw new ArgumentOutOfRangeException(nameof(MaxInterval), MaxInterval, "Must not be less than MinInterval.");
        if (IntervalDelta < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(IntervalDelta), IntervalDelta, "Must not be negative.");
    }
}
