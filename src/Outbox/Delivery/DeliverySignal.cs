namespace Transactions.Outbox.Delivery;

/// <summary>
/// Wakes a waiting delivery loop. Signals that arrive while every loop is busy collapse into one, so a burst of
/// commits costs one extra round at most, never a queue of wake-ups. <see cref="Version"/> counts the signals, so a
/// loop can tell that one arrived while its round ran even when a sibling loop took the wake-up.
/// </summary>
sealed class DeliverySignal
{
    readonly SemaphoreSlim _semaphore = new(0, 1);
    readonly Lock _lock = new();
    long _version;

    /// <summary>Grows with every <see cref="Set"/>.</summary>
    public long Version => Interlocked.Read(ref _version);

    public void Set()
    {
        Interlocked.Increment(ref _version);
        lock (_lock)
        {
            if (_semaphore.CurrentCount == 0)
                _semaphore.Release();
        }
    }

    /// <summary>Waits for a signal or the timeout, whichever comes first; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _semaphore.WaitAsync(timeout, cancellationToken);
}
