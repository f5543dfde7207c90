namespace Transactions.Coordinator.Telemetry;

/// <summary>
/// Remembers the last <see cref="Capacity"/> transitions counted, so a message retried after a concurrency conflict
/// (whose first attempt made the transition in memory, then lost the save) does not count it again.
/// </summary>
sealed class CountedTransitions
{
    public const int Capacity = 10_000;

    readonly HashSet<(Guid Saga, string State)> _seen = [];
    readonly Queue<(Guid Saga, string State)> _order = new();

    /// <summary>True the first time saga <paramref name="saga"/> is seen entering <paramref name="state"/>.</summary>
    public bool First(Guid saga, string state)
    {
        lock (_seen)
        {
            if (!_seen.Add((saga, state)))
                return false;
            _order.Enqueue((saga, state));
            if (_order.Count > Capacity)
                _seen.Remove(_order.Dequeue());
            return true;
        }
    }
}
