using System.Text.Json.Nodes;
using Transactions.Conformance.Probe;
using Transactions.Conformance.Rules;

namespace Transactions.Conformance.MessageSets;

/// <summary>The command of a phase and its two answers, as message type URNs (<c>urn:message:Namespace:Type</c>).</summary>
/// <param name="Refused">Null only for the cancel of a saga step, which is never refused.</param>
public sealed record PhaseMessages(string Command, string Succeeded, string? Refused);

/// <summary>
/// Everything the kit must know of one participant's TCC branch: where its commands go, what they and their replies
/// are called, what a Try carries, where the effect is read and what each phase must change there. The built-in sets
/// are in <see cref="BankMessageSets"/>; others are read from a file by <see cref="MessageSetFile"/>.
/// </summary>
/// <param name="Confirm">
/// Null for a saga step (a reserve and its compensating cancel, such as the travel booking's <c>ReserveCar</c> and
/// <c>CancelCar</c>): a branch whose Try takes effect for good unless it is cancelled, checked against
/// <see cref="TccRules.ApplyToStep"/>.
/// </param>
/// <param name="TryFields">
/// The Try's fields besides the two ids. A string value <c>{resource}</c> becomes the resource given to the kit and
/// <c>{amount}</c> the amount, as a number; other values are sent as they are.
/// </param>
/// <param name="ProbePaths">Each quantity the effects name, with the JSON path of it in the probe's answer.</param>
/// <param name="Effects">What each phase, when it takes effect, changes per unit of amount (a missing name: 0).</param>
public sealed record MessageSet(
    string Name,
    string Queue,
    string TransactionIdField,
    string BranchIdField,
    PhaseMessages Try,
    PhaseMessages? Confirm,
    PhaseMessages Cancel,
    IReadOnlyDictionary<string, JsonNode?> TryFields,
    string ProbeUrl,
    IReadOnlyList<KeyValuePair<string, string>> ProbePaths,
    IReadOnlyDictionary<Phase, IReadOnlyDictionary<string, decimal>> Effects)
{
    public const string UrnPrefix = "urn:message:";

    /// <summary>A saga step: no Confirm, and a Try cancelled after it took effect is refused when repeated.</summary>
    public bool IsSagaStep => Confirm is null;

    /// <summary>The rules this participant is judged by.</summary>
    public Func<BranchState, Phase, TccRules.Step> Rules => IsSagaStep ? TccRules.ApplyToStep : TccRules.Apply;

    /// <summary>The phase that settles a branch once its Try took effect: Confirm, or a saga step's Cancel.</summary>
    public Phase Settlement => IsSagaStep ? Phase.Cancel : Phase.Confirm;

    public PhaseMessages Of(Phase phase) => phase switch
    {
        Phase.Try => Try,
        Phase.Confirm => Confirm ?? throw new InvalidOperationException($"{Name} is a saga step: it has no Confirm."),
        _ => Cancel,
    };

    /// <summary>The reply type of <paramref name="kind"/>; null for a kind a saga step never answers.</summary>
    public string? UrnOf(ReplyKind kind) => kind switch
    {
        ReplyKind.Tried => Try.Succeeded,
        ReplyKind.TryRefused => Try.Refused,
        ReplyKind.Confirmed => Confirm?.Succeeded,
        ReplyKind.ConfirmRefused => Confirm?.Refused,
        ReplyKind.Cancelled => Cancel.Succeeded,
        _ => Cancel.Refused,
    };

    /// <summary>The reply kind a message type URN stands for, if it is one of this set's replies.</summary>
    public ReplyKind? KindOf(string urn) =>
        Enum.GetValues<ReplyKind>().Select(k => (ReplyKind?)k).FirstOrDefault(k => UrnOf(k!.Value) == urn);

    public IEnumerable<string> ReplyUrns => Enum.GetValues<ReplyKind>().Select(UrnOf).OfType<string>().Distinct();

    /// <summary>The short name of a reply kind (the type name without its namespace), for evidence.</summary>
    public string NameOf(ReplyKind kind) => UrnOf(kind) is { } urn ? ShortName(urn) : kind.ToString();

    public static string ShortName(string urn) => urn[(urn.LastIndexOf(':') + 1)..];

    /// <summary>
    /// MassTransit's name of the fanout exchange a message type is published to: the URN without its prefix
    /// (<c>Transactions.Contracts.BankTransfers:DebitTried</c>).
    /// </summary>
    public static string ExchangeOf(string urn) => urn[UrnPrefix.Length..];

    /// <summary>A type given as <c>Namespace:Type</c> or as the full URN, as the URN.</summary>
    public static string Urn(string type) => type.StartsWith(UrnPrefix, StringComparison.Ordinal) ? type : UrnPrefix + type;

    /// <summary>What <paramref name="phase"/> must change when it takes effect with <paramref name="amount"/>.</summary>
    public Quantities EffectOf(Phase phase, decimal amount) => new Quantities(ProbePaths.Select(p =>
        KeyValuePair.Create(p.Key, Effects.TryGetValue(phase, out var effect) ? effect.GetValueOrDefault(p.Key) : 0m))).Times(amount);

    public Quantities NoEffect => Quantities.Zero(ProbePaths.Select(p => p.Key));
}
