namespace Transactions.Conformance.Rules;

/// <summary>
/// The reference model of a conforming participant: for a branch in a given state, what each phase must be answered
/// and whether it may have an effect. Every check judges what it observed against this one table, so the rules are
/// written once (the same ones src/Outbox/Barrier guarantees).
/// </summary>
public static class TccRules
{
    public readonly record struct Step(ReplyKind Reply, bool HasEffect, BranchState Next);

    public static Step Apply(BranchState state, Phase phase) => (phase, state) switch
    {
        // A first Try reserves; a repeat is answered with what is true of the branch now and reserves nothing again.
        (Phase.Try, BranchState.Fresh) => new(ReplyKind.Tried, true, BranchState.Tried),
        (Phase.Try, BranchState.Tried) => new(ReplyKind.Tried, false, state),
        (Phase.Try, BranchState.Confirmed) => new(ReplyKind.Confirmed, false, state),
        (Phase.Try, BranchState.Cancelled) => new(ReplyKind.Cancelled, false, state),
        // Anti-hanging: a Try after its Cancel would reserve what nobody will ever release.
        (Phase.Try, BranchState.CancelledBeforeTry) => new(ReplyKind.TryRefused, false, state),

        // No Confirm without a Try; it records nothing, so a later Try still works.
        (Phase.Confirm, BranchState.Fresh) => new(ReplyKind.ConfirmRefused, false, state),
        (Phase.Confirm, BranchState.Tried) => new(ReplyKind.Confirmed, true, BranchState.Confirmed),
        (Phase.Confirm, BranchState.Confirmed) => new(ReplyKind.Confirmed, false, state),
        // Exclusion: the branch was cancelled first.
        (Phase.Confirm, _) => new(ReplyKind.ConfirmRefused, false, state),

        // Null compensation: a Cancel without a Try succeeds, changes nothing and is remembered.
        (Phase.Cancel, BranchState.Fresh) => new(ReplyKind.Cancelled, false, BranchState.CancelledBeforeTry),
        (Phase.Cancel, BranchState.Tried) => new(ReplyKind.Cancelled, true, BranchState.Cancelled),
        // Exclusion: the branch was confirmed first.
        (Phase.Cancel, BranchState.Confirmed) => new(ReplyKind.CancelRefused, false, state),
        (Phase.Cancel, _) => new(ReplyKind.Cancelled, false, state),

        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>
    /// A saga step (a reserve, and a cancel that compensates it) is a branch without Confirm: its Try takes effect for
    /// good unless cancelled, and the same rules hold, idempotency, null compensation and anti-hanging included, but
    /// one. A Try repeated after its Cancel is refused: a step's reserve has no reply that says "cancelled", and it
    /// must not reserve again.
    /// </summary>
    public static Step ApplyToStep(BranchState state, Phase phase) => (phase, state) switch
    {
        (Phase.Confirm, _) => throw new ArgumentOutOfRangeException(nameof(phase), phase, "A saga step has no Confirm."),
        (Phase.Try, BranchState.Cancelled) => new(ReplyKind.TryRefused, false, state),
        _ => Apply(state, phase),
    };
}
