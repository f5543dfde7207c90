using Transactions.Conformance.Probe;
using Transactions.Conformance.Rules;
using Transactions.Conformance.Wire;

namespace Transactions.Conformance.Checks;

/// <summary>
/// A crash in the middle: Trys of several branches are sent at once and, as soon as the first is answered, the
/// restart command kills and restarts the participant while the others are in flight. Once it answers the probe
/// again, every Try must be answered "tried" and the resource must show each Try's effect exactly once; then every
/// branch is settled (confirmed, or a saga step cancelled), and each settlement too must show exactly once: nothing
/// lost, nothing applied twice. Replies may come twice after a crash (a reply sent but not yet recorded as sent is
/// sent again); that is allowed.
/// </summary>
public sealed class CrashCheck() : Check("crash", "Crash in the middle")
{
    const int Branches = 20;

    public override async Task<CheckResult> RunAsync(KitContext context, CancellationToken ct)
    {
        if (context.Options.RestartCommand is not { } command)
            return new CheckResult(Verdict.Skip, Name, "no --restart-command given");
        try
        {
            return await RunAsync(context, command, ct);
        }
        catch (ProbeException e)
        {
            return CheckResult.Fail(Name, e.Message);
        }
    }

    async Task<CheckResult> RunAsync(KitContext context, string command, CancellationToken ct)
    {
        var inbox = context.Inbox;
        var branches = Enumerable.Range(0, Branches).Select(_ => BranchIds.New()).ToList();
        var before = await context.Probe.ReadAsync(ct);
        foreach (var branch in branches)
            await context.SendAsync(Phase.Try, branch, ct);
        if (!await inbox.WaitUntilAsync(i => branches.Any(b => i.Of(b.BranchId).Count > 0), context.Options.ReplyTimeout, ct))
            return CheckResult.Fail(Name, $"none of {Branches} Trys was answered within {context.Options.ReplyTimeout.TotalSeconds:0.#} s");
        var answeredBefore = branches.Count(b => inbox.Of(b.BranchId).Count > 0);

        var restart = await RestartCommand.RunAsync(command, context.Options.RestartTimeout, ct);
        if (!restart.Succeeded)
            return CheckResult.Fail(Name, restart.Evidence);
        await context.Probe.ReadWhenBackAsync(context.Options.RestartTimeout, ct);
        var restarted = $"restart begun with {answeredBefore} of {Branches} Trys answered";

        if (await WaitForAsync(context, branches, Phase.Try, ct) is { } lostTry)
            return CheckResult.Fail(Name, $"{restarted}; {lostTry}");
        var tried = (await context.Probe.ReadAsync(ct)).Minus(before);
        var expectedTried = context.EffectOf([Phase.Try]).Times(Branches);

        var settlement = context.Set.Settlement;
        foreach (var branch in branches)
            await context.SendAsync(settlement, branch, ct);
        if (await WaitForAsync(context, branches, settlement, ct) is { } lostSettlement)
            return CheckResult.Fail(Name, $"{restarted}; {lostSettlement}");

        var change = (await context.Probe.ReadAsync(ct)).Minus(before);
        var expected = context.EffectOf([Phase.Try, settlement]).Times(Branches);
        var replies = branches.SelectMany(b => inbox.Of(b.BranchId)).ToList();
        var right = new[] { ReplyKind.Tried, settlement == Phase.Confirm ? ReplyKind.Confirmed : ReplyKind.Cancelled };
        var wrong = replies.Where(r => r.Kind is not { } kind || !right.Contains(kind)).ToList();
        var evidence = $"{restarted}; after the Trys {tried.AsChange()} (expected {expectedTried.AsChange()}); " +
                       $"after the {settlement}s {change.AsChange()} (expected {expected.AsChange()}); " +
                       $"replies {context.Describe(replies)}";
        return tried.SameAs(expectedTried) && change.SameAs(expected) && wrong.Count == 0
            ? CheckResult.Pass(Name, evidence)
            : CheckResult.Fail(Name, evidence);
    }

    /// <summary>Waits until every branch has an answer to <paramref name="phase"/>; which branches have none if not.</summary>
    static async Task<string?> WaitForAsync(KitContext context, IReadOnlyList<BranchIds> branches, Phase phase,
        CancellationToken ct)
    {
        ReplyKind[] answers = phase switch
        {
            Phase.Try => [ReplyKind.Tried, ReplyKind.TryRefused],
            Phase.Confirm => [ReplyKind.Confirmed, ReplyKind.ConfirmRefused],
            _ => [ReplyKind.Cancelled, ReplyKind.CancelRefused],
        };
        bool Answered(ReplyInbox inbox, BranchIds b) => inbox.Of(b.BranchId).Any(r => r.Kind is { } k && answers.Contains(k));
        // After a restart the participant may take a while to consume again, so the restart timeout applies.
        var timeout = context.Options.RestartTimeout + context.Options.ReplyTimeout;
        if (await context.Inbox.WaitUntilAsync(i => branches.All(b => Answered(i, b)), timeout, ct))
            return null;
        var missing = branches.Count(b => !Answered(context.Inbox, b));
        return $"{missing} of {Branches} {phase}s were never answered within {timeout.TotalSeconds:0} s";
    }
}
