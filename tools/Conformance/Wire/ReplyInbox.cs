namespace Transactions.Conformance.Wire;

/// <summary>
/// The replies about the branches the kit is testing, in arrival order per branch; replies about other branches
/// (a live system's traffic on the same exchanges) are dropped. Waiters are woken on every arrival.
/// </summary>
public sealed class ReplyInbox
{
    readonly object _gate = new();
    readonly Dictionary<Guid, List<Reply>> _byBranch = [];
    readonly List<string> _unreadable = [];
    TaskCompletionSource _changed = NewSignal();

    /// <summary>Starts keeping the replies of <paramref name="branchId"/>.</summary>
    public void Watch(Guid branchId)
    {
        lock (_gate)
            _byBranch.TryAdd(branchId, []);
    }

    public void Add(Reply reply)
    {
        lock (_gate)
        {
            if (!_byBranch.TryGetValue(reply.BranchId, out var replies))
                return;
            replies.Add(reply);
            Pulse();
        }
    }

    /// <summary>Keeps the first few messages that arrived on the reply exchanges but could not be read.</summary>
    public void AddUnreadable(string problem)
    {
        lock (_gate)
            if (_unreadable.Count < 3)
                _unreadable.Add(problem);
    }

    public IReadOnlyList<string> Unreadable
    {
        get { lock (_gate) return _unreadable.ToList(); }
    }

    public IReadOnlyList<Reply> Of(Guid branchId)
    {
        lock (_gate)
            return _byBranch.TryGetValue(branchId, out var replies) ? replies.ToList() : [];
    }

    /// <summary>Waits until <paramref name="condition"/> holds; false if it still does not at the timeout.</summary>
    public async Task<bool> WaitUntilAsync(Func<ReplyInbox, bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(this))
                    return true;
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                return false;
            try
            {
                await changed.WaitAsync(left, ct);
            }
            catch (TimeoutException)
            {
                return condition(this);
            }
        }
    }

    void Pulse()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.SetResult();
    }

    static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
