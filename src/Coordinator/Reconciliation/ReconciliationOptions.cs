using System.ComponentModel.DataAnnotations;

namespace Transactions.Coordinator.Reconciliation;

/// <summary>Bound from <c>Reconciliation</c>.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Reconciliation";

    /// <summary>How often the scheduled run happens; one run per period across all coordinator instances.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Turns the scheduled run off; on-demand runs still work.</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary>An outbox message not delivered after this long is stale.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StaleOutboxAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A non-terminal saga that has not changed for this long, or is this far past its deadline, is stuck.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan NoProgressAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How far back the business check looks at finished bank transfers.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan BusinessCheckWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many stuck items one run examines per check at most; the rest wait for the next run.</summary>
    [Range(1, 100_000)]
    public int BatchLimit { get; set; } = 5_000;

    /// <summary>How long <c>POST /api/reconciliation/runs</c> waits for the report before answering 202.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RequestWait { get; set; } = TimeSpan.FromSeconds(10);
}
