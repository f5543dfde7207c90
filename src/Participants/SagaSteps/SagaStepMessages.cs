namespace Transactions.Participants.SagaSteps;

/// <summary>
/// A saga step's replies as they are on the wire: what answers a reservation made, a reservation refused and a
/// cancellation. One instance per step (flights, hotels, ...), usually a static field of its consumer.
/// </summary>
/// <typeparam name="TReserve">The reserve command.</typeparam>
/// <typeparam name="TCancel">The cancel (compensation) command.</typeparam>
public sealed class SagaStepMessages<TReserve, TCancel>
    where TReserve : class
    where TCancel : class
{
    /// <summary>The reply to a reserve that reserved (now or before).</summary>
    public required Func<TReserve, object> Reserved { get; init; }

    /// <summary>The reply to a reserve that was refused (now or before), with the reason.</summary>
    public required Func<TReserve, string, object> Refused { get; init; }

    /// <summary>The reply to a cancel, which always succeeds: releasing what was never reserved changes nothing.</summary>
    public required Func<TCancel, object> Cancelled { get; init; }
}

/// <summary>The answer to a reserve command.</summary>
/// <param name="Result">Reserved, refused, or not answered at all.</param>
/// <param name="Reason">Why it was refused.</param>
public sealed record ReserveAnswer(ReserveResult Result, string? Reason)
{
    /// <summary>Reserved.</summary>
    public static readonly ReserveAnswer Ok = new(ReserveResult.Reserved, null);

    /// <summary>No reply: the command is consumed and dropped (fault injection: a reply lost on the way).</summary>
    public static readonly ReserveAnswer Unanswered = new(ReserveResult.Unanswered, null);

    /// <summary>Refused, having reserved nothing, for <paramref name="reason"/>.</summary>
    public static ReserveAnswer Refused(string reason) => new(ReserveResult.Refused, reason);
}

/// <summary>What a reserve command's answer says.</summary>
public enum ReserveResult
{
    /// <summary>Reserved.</summary>
    Reserved,

    /// <summary>Not reserved, with a reason.</summary>
    Refused,

    /// <summary>Consumed without a reply.</summary>
    Unanswered,
}
