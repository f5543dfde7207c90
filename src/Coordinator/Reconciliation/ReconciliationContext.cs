namespace Transactions.Coordinator.Reconciliation;

/// <summary>What a check needs to know about the run, and where it writes what it examined, found and did.</summary>
public sealed class ReconciliationContext(ReconciliationRun run, DateTimeOffset now, ReconciliationRequest request)
{
    public bool DryRun => run.DryRun;

    /// <summary>The run's clock reading: every age in the report is measured from it.</summary>
    public DateTimeOffset Now { get; } = now;

    public ReconciliationRequest Request { get; } = request;

    public void Examined(string check, long count)
    {
        lock (run) run.Examined[check] = run.Examined.GetValueOrDefault(check) + count;
    }

    public void Found(string check, string kind, string subject, string detail, DateTimeOffset? since = null)
    {
        var age = since is null ? (double?)null : Math.Round((Now - since.Value).TotalSeconds, 3);
        lock (run) run.Findings.Add(new ReconciliationFinding(check, kind, subject, detail, age));
    }

    public void Did(string check, string subject, string action, string result)
    {
        lock (run) run.Actions.Add(new ReconciliationAction(check, subject, action, result));
    }
}

/// <summary>
/// What the caller asked for: a dry run, whether to move <c>_error</c> messages back, and whether to move back also
/// those older than the inbox retention (<see cref="Force"/>), which are otherwise left where they are.
/// </summary>
public sealed record ReconciliationRequest(string Trigger, bool DryRun, bool RequeueErrorQueues, long? Tick = null,
    bool Force = false);
