namespace Transactions.Participants.Tcc;

/// <summary>
/// The answer to a Try: tried, refused with a business reason, or, for a Try repeated after its branch was settled,
/// how it was settled (a repeat is answered with what is true now, not with "tried").
/// </summary>
/// <param name="Result">What the participant says.</param>
/// <param name="Reason">Why it refused, when <paramref name="Result"/> is <see cref="TryResult.Refused"/>.</param>
public sealed record TryAnswer(TryResult Result, string? Reason)
{
    /// <summary>Tried: the resource is reserved.</summary>
    public static readonly TryAnswer Ok = new(TryResult.Tried, null);

    /// <summary>Refused, having reserved nothing, for <paramref name="reason"/>.</summary>
    public static TryAnswer Refused(string reason) => new(TryResult.Refused, reason);

    /// <summary>Whether the resource is reserved.</summary>
    public bool Tried => Result == TryResult.Tried;
}

/// <summary>What a Try's answer says; each has a reply message of its own (<see cref="TccBranchMessages{TTry, TConfirm, TCancel}"/>).</summary>
public enum TryResult
{
    /// <summary>Reserved.</summary>
    Tried,

    /// <summary>Not reserved, with a reason.</summary>
    Refused,

    /// <summary>A repeated Try of a branch confirmed since.</summary>
    Confirmed,

    /// <summary>A repeated Try of a branch cancelled since.</summary>
    Cancelled,
}

/// <summary>
/// The answer to a Confirm or Cancel: settled (now or before), or refused with the reason, having changed nothing.
/// </summary>
/// <param name="Settled">Whether the phase holds (it ran now or before).</param>
/// <param name="Reason">Why it was refused, when not <paramref name="Settled"/>.</param>
public sealed record SettleAnswer(bool Settled, string? Reason)
{
    /// <summary>Settled.</summary>
    public static readonly SettleAnswer Ok = new(true, null);

    /// <summary>Refused, having changed nothing, for <paramref name="reason"/>.</summary>
    public static SettleAnswer Refused(string reason) => new(false, reason);
}
