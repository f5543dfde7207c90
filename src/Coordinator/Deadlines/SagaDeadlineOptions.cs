using System.ComponentModel.DataAnnotations;

namespace Transactions.Coordinator.Deadlines;

/// <summary>How the deadline job polls, bound from the <c>SagaDeadlines</c> section.</summary>
public sealed class SagaDeadlineOptions
{
    public const string Section = "SagaDeadlines";

    /// <summary>How often the job looks for passed deadlines: the lateness of a deadline is at most this.</summary>
    [Range(typeof(TimeSpan), "00:00:00.05", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most sagas notified per workflow per poll; the rest wait for the next one.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>A saga still showing the same passed deadline this long after it was told is told again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromSeconds(10);
}
