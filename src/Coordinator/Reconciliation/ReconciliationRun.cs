namespace Transactions.Coordinator.Reconciliation;

/// <summary>The stored report of one reconciliation run. Table <c>reconciliation_run</c>.</summary>
public sealed class ReconciliationRun
{
    public Guid Id { get; set; }

    /// <summary>"schedule" or "request".</summary>
    public string Trigger { get; set; } = "";

    /// <summary>The schedule period a scheduled run was claimed for; null for a run asked for through the API.</summary>
    public long? Tick { get; set; }

    /// <summary>A dry run reports what it finds and does nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>Running, Completed, Abandoned (its process stopped before it finished).</summary>
    public string Status { get; set; } = RunStatus.Running;
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>How many items each check looked at, by check name (jsonb).</summary>
    public Dictionary<string, long> Examined { get; set; } = [];

    /// <summary>What is wrong (jsonb).</summary>
    public List<ReconciliationFinding> Findings { get; set; } = [];

    /// <summary>What the run did about it (jsonb).</summary>
    public List<ReconciliationAction> Actions { get; set; } = [];

    /// <summary>Checks that failed, with their error (jsonb); the other checks still ran.</summary>
    public List<string> Errors { get; set; } = [];
}

public static class RunStatus
{
    public const string Running = "Running";
    public const string Completed = "Completed";
    public const string Abandoned = "Abandoned";
}

/// <summary>One thing found wrong: which check, what kind, about what, and how old it is.</summary>
public sealed record ReconciliationFinding(string Check, string Kind, string Subject, string Detail, double? AgeSeconds);

/// <summary>One repair: what was done to which subject, and whether it worked.</summary>
public sealed record ReconciliationAction(string Check, string Subject, string Action, string Result);
