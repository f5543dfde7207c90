using System.ComponentModel.DataAnnotations;

namespace Transactions.Participants.Sample.Reservations;

/// <summary>
/// Faults a participant injects for demonstrations and tests, bound from <c>{Participant}:FaultInjection</c>
/// (for example <c>Cars:FaultInjection:RefuseMatching:0=SUV</c>). Everything is off by default.
/// </summary>
public sealed class FaultInjectionOptions<TContext> where TContext : ReservationsDbContext
{
    /// <summary>Refuse every reservation naming one of these (a flight number, hotel id, car location or class).</summary>
    public string[] RefuseMatching { get; set; } = [];

    /// <summary>The share of other reservations refused at random, from 0 (none) to 1 (all).</summary>
    [Range(0.0, 1.0)]
    public double RefusalRate { get; set; }

    /// <summary>Cancellations throw, as if the participant's database were failing, until this is turned off.</summary>
    public bool FailCancellations { get; set; }

    /// <summary>
    /// Never answer a reservation naming one of these: the command is consumed and dropped, as if lost on the way, so
    /// the coordinator's step deadline has to act. Cancels are still answered.
    /// </summary>
    public string[] IgnoreMatching { get; set; } = [];
}

/// <summary>A fault injected on purpose; its message says which setting caused it.</summary>
public sealed class InjectedFaultException(string message) : Exception(message);
