using Transactions.Conformance.MessageSets;
using Transactions.Conformance.Options;
using Transactions.Conformance.Probe;
using Transactions.Conformance.Rules;
using Transactions.Conformance.Wire;

namespace Transactions.Conformance.Checks;

/// <summary>What every check works with: the broker session, the probe and the options.</summary>
public sealed class KitContext(BrokerSession broker, ResourceProbe probe, KitOptions options)
{
    public BrokerSession Broker => broker;
    public ResourceProbe Probe => probe;
    public KitOptions Options => options;
    public MessageSet Set => options.MessageSet;
    public ReplyInbox Inbox => broker.Inbox;

    public Task SendAsync(Phase phase, BranchIds ids, CancellationToken ct) =>
        broker.SendAsync(phase, ids, options.Resource, options.Amount, ct);

    /// <summary>The change the rules allow when <paramref name="effective"/> take effect.</summary>
    public Quantities EffectOf(IEnumerable<Phase> effective) =>
        effective.Aggregate(Set.NoEffect, (sum, phase) => sum.Plus(Set.EffectOf(phase, options.Amount)));

    /// <summary>Replies as evidence: <c>DebitTried ×2, DebitRefused (Insufficient funds.)</c>.</summary>
    public string Describe(IEnumerable<Reply> replies) => Summary(replies.Select(r =>
        MessageSet.ShortName(r.Urn) + (r.Reason is null ? "" : $" ({r.Reason})")));

    public string Describe(IEnumerable<ReplyKind> kinds) => Summary(kinds.Select(Set.NameOf));

    static string Summary(IEnumerable<string> names)
    {
        var groups = names.GroupBy(n => n).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}").ToList();
        return groups.Count == 0 ? "none" : string.Join(", ", groups);
    }
}
