namespace Transactions.Outbox.Delivery;

/// <summary>
/// Wakes a waiting delivery loop. Signals that arrive while every loop is busy collapse into one, so a burst of
/// commits costs one extra round at most, never a queue of wake-ups.
/// </summary>
sealed class DeliverySignal
{
    readonly SemaphoreSlim _semaphore = new(0, 1);
    readonly Lock _lock = new();

    public void Set()
    {
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
