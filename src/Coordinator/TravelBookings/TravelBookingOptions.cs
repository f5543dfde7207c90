using System.ComponentModel.DataAnnotations;

namespace Transactions.Coordinator.TravelBookings;

/// <summary>How long the travel booking saga waits on each step, and how often it asks again (<c>TravelBookings</c>).</summary>
public sealed class TravelBookingOptions
{
    public const string Section = "TravelBookings";

    /// <summary>The first wait for a participant's answer; every further attempt waits twice as long as the one before.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan MaxStepTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many times a reserve is sent before the step counts as failed and the booking is undone.</summary>
    [Range(1, 20)]
    public int ReserveAttempts { get; set; } = 3;

    /// <summary>How many times a cancel is sent before the booking needs an operator's attention.</summary>
    [Range(1, 50)]
    public int CancelAttempts { get; set; } = 6;

    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based) gives up: doubling, capped.</summary>
    public TimeSpan TimeoutOf(int attempt) =>
        TimeSpan.FromTicks(Math.Min(StepTimeout.Ticks * (1L << Math.Min(attempt - 1, 20)), MaxStepTimeout.Ticks));
}
