using System.ComponentModel.DataAnnotations;

namespace Transactions.Coordinator.BankTransfers;

/// <summary>Timing of bank transfers, bound from the <c>BankTransfers</c> section.</summary>
public sealed class BankTransferOptions
{
    public const string Section = "BankTransfers";

    /// <summary>How long both Trys may take before the transfer cancels.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan TryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait before the first resend of an unanswered Confirm or Cancel; doubles on each resend.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between resends of a Confirm or Cancel, which are resent until answered.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The wait before resend number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(RetryMaxDelay.Ticks, RetryInitialDelay.Ticks << Math.Min(attempt - 1, 20)));
}
