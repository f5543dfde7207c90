namespace Transactions.Participants.Tcc;

/// <summary>
/// A TCC branch's messages as they are on the wire: where its three commands carry the transaction and branch ids,
/// and the reply that answers each outcome. One instance per branch (debit, credit, ...), usually a static field of its
/// consumer; <see cref="TccBranchConsumer{TTry, TConfirm, TCancel}"/> reads the ids and publishes the replies.
/// </summary>
/// <typeparam name="TTry">The Try command.</typeparam>
/// <typeparam name="TConfirm">The Confirm command.</typeparam>
/// <typeparam name="TCancel">The Cancel command.</typeparam>
public sealed class TccBranchMessages<TTry, TConfirm, TCancel>
    where TTry : class
    where TConfirm : class
    where TCancel : class
{
    /// <summary>The transaction id's field on the wire (camelCase, for example <c>transferId</c>), named in errors.</summary>
    public required string TransactionIdField { get; init; }

    /// <summary>The branch id's field on the wire, named in errors.</summary>
    public string BranchIdField { get; init; } = "branchId";

    /// <summary>The ids of a Try.</summary>
    public required Func<TTry, TccBranchKey> TryKey { get; init; }

    /// <summary>The ids of a Confirm.</summary>
    public required Func<TConfirm, TccBranchKey> ConfirmKey { get; init; }

    /// <summary>The ids of a Cancel.</summary>
    public required Func<TCancel, TccBranchKey> CancelKey { get; init; }

    /// <summary>The reply to a Try that reserved (or did before).</summary>
    public required Func<TccBranchKey, object> Tried { get; init; }

    /// <summary>The reply to a Try that was refused, with the reason.</summary>
    public required Func<TccBranchKey, string, object> Refused { get; init; }

    /// <summary>The reply to a Confirm that settled (now or before), and to a Try repeated after it.</summary>
    public required Func<TccBranchKey, object> Confirmed { get; init; }

    /// <summary>The reply to a Confirm that was refused, with the reason.</summary>
    public required Func<TccBranchKey, string, object> ConfirmRefused { get; init; }

    /// <summary>The reply to a Cancel that settled (now, before, or with nothing to release), and to a Try repeated after it.</summary>
    public required Func<TccBranchKey, object> Cancelled { get; init; }

    /// <summary>The reply to a Cancel that was refused, with the reason.</summary>
    public required Func<TccBranchKey, string, object> CancelRefused { get; init; }
}
