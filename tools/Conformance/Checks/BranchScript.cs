using Transactions.Conformance.Probe;
using Transactions.Conformance.Rules;
using Transactions.Conformance.Wire;

namespace Transactions.Conformance.Checks;

/// <summary>
/// Plays phases on one fresh branch and judges the replies and the effect against <see cref="TccRules"/> (the
/// message set's: a saga step's or a TCC branch's). The set-up steps bring the branch where the check starts (their
/// replies must follow the rules too); the probe is read before and after the measured steps. Each step's phases are
/// sent at once, and its replies awaited, before the next step. A branch left tried is cancelled afterwards so that
/// the resource does not keep its reservation.
/// </summary>
public sealed class BranchScript(IReadOnlyList<Phase[]> setup, IReadOnlyList<Phase[]> steps)
{
    public sealed record Result(bool Passed, string Evidence);

    public async Task<Result> RunAsync(KitContext context, CancellationToken ct)
    {
        var ids = BranchIds.New();
        var sent = 0;
        foreach (var step in setup)
            if (await SendAndWaitAsync(context, ids, step, sent += step.Length, ct) is { } missing)
                return new Result(false, "set-up: " + missing);
        var setupReplies = context.Inbox.Of(ids.BranchId);
        var prepared = Expectation.Of(BranchState.Fresh, setup, context.Set.Rules).Single();
        if (!Matches(setupReplies, setup, prepared))
            return new Result(false, $"set-up {Phases(setup)} answered {context.Describe(setupReplies)} " +
                                     $"(expected {context.Describe(prepared.Replies.SelectMany(r => r))})");

        var before = await context.Probe.ReadAsync(ct);
        foreach (var step in steps)
            if (await SendAndWaitAsync(context, ids, step, sent += step.Length, ct) is { } missing)
            {
                await CleanUpAsync(context, ids, prepared.Final, ct);
                return new Result(false, missing);
            }
        var change = (await context.Probe.ReadAsync(ct)).Minus(before);
        var replies = context.Inbox.Of(ids.BranchId).Skip(setupReplies.Count).ToList();

        var allowed = Expectation.Of(prepared.Final, steps, context.Set.Rules);
        var met = allowed.FirstOrDefault(e => Matches(replies, steps, e) && context.EffectOf(e.Effective).SameAs(change));
        await CleanUpAsync(context, ids, (met ?? allowed[0]).Final, ct);
        var expected = string.Join(" or ", allowed.Select(e =>
            $"{context.EffectOf(e.Effective).AsChange()} with {context.Describe(e.Replies.SelectMany(r => r))}"));
        return met is not null
            ? new Result(true, $"{change.AsChange()} (expected {context.EffectOf(met.Effective).AsChange()}); " +
                               $"replies {context.Describe(replies)}")
            : new Result(false, $"{change.AsChange()} with {context.Describe(replies)} (expected {expected})");
    }

    /// <summary>Sends a step and waits until the branch has <paramref name="total"/> replies; the evidence if not.</summary>
    static async Task<string?> SendAndWaitAsync(KitContext context, BranchIds ids, Phase[] step, int total,
        CancellationToken ct)
    {
        foreach (var phase in step)
            await context.SendAsync(phase, ids, ct);
        if (await context.Inbox.WaitUntilAsync(i => i.Of(ids.BranchId).Count >= total, context.Options.ReplyTimeout, ct))
            return null;
        var replies = context.Inbox.Of(ids.BranchId);
        var unreadable = context.Inbox.Unreadable;
        return $"no reply to {string.Join(" + ", step)} within {context.Options.ReplyTimeout.TotalSeconds:0.#} s " +
               $"({replies.Count} of {total} replies so far: {context.Describe(replies)})" +
               (unreadable.Count == 0 ? "" : $"; unreadable on the reply exchanges: {string.Join("; ", unreadable)}");
    }

    /// <summary>The replies, step by step, are the expected ones (a step's in any order).</summary>
    static bool Matches(IReadOnlyList<Reply> replies, IReadOnlyList<Phase[]> steps, Expectation expected)
    {
        var at = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            var got = replies.Skip(at).Take(steps[i].Length).Select(r => r.Kind).ToList();
            if (got.Any(k => k is null) || !got.Select(k => k!.Value).Order().SequenceEqual(expected.Replies[i]))
                return false;
            at += steps[i].Length;
        }
        return at == replies.Count;
    }

    static async Task CleanUpAsync(KitContext context, BranchIds ids, BranchState state, CancellationToken ct)
    {
        if (state != BranchState.Tried)
            return;
        var count = context.Inbox.Of(ids.BranchId).Count;
        await context.SendAsync(Phase.Cancel, ids, ct);
        await context.Inbox.WaitUntilAsync(i => i.Of(ids.BranchId).Count > count, context.Options.ReplyTimeout, ct);
    }

    static string Phases(IEnumerable<Phase[]> steps) => string.Join(", ", steps.Select(s => string.Join(" + ", s)));

    public override string ToString() => Phases(steps);
}
