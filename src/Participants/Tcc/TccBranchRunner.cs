using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Persistence;

namespace Transactions.Participants.Tcc;

/// <summary>
/// Runs a participant's Try, Confirm and Cancel behind the TCC barrier of <typeparamref name="TContext"/>, each in one
/// local transaction (the outbox's, inside a consumer), and turns what the barrier decided into the answer: the
/// participant writes only its business change, and how a Try is answered. The barrier decides the rest: a repeated
/// phase does not run again, a Cancel without a Try changes nothing (null compensation) and makes a late Try refused
/// (anti-hanging), a Confirm after a Cancel (or the reverse) is refused, and a branch older than the barrier's
/// retention is never applied.
/// </summary>
public sealed class TccBranchRunner<TContext>(TContext db, TccParticipantSettings<TContext> settings,
    ILogger<TccBranchRunner<TContext>> logger)
    where TContext : DbContext
{
    /// <summary>
    /// Runs <paramref name="reserve"/> on the branch's first Try. Unless the branch was cancelled first (or is older
    /// than the retention), the answer is then read by <paramref name="answer"/> from what the participant stored, for
    /// the first Try and a repeat alike: a repeat is answered as the first was, or as the branch was settled since.
    /// </summary>
    /// <param name="branch">The branch.</param>
    /// <param name="reserve">The reservation, writing through the context; a business refusal is stored, not thrown.</param>
    /// <param name="answer">Reads the answer from the participant's tables.</param>
    /// <param name="cancellationToken">Cancels the database calls.</param>
    public Task<TryAnswer> TryAsync(TccBranchKey branch, Func<CancellationToken, Task> reserve,
        Func<CancellationToken, Task<TryAnswer>> answer, CancellationToken cancellationToken) =>
        LocalTransaction.RunAsync(db, async _ =>
        {
            var outcome = await RunAsync(branch, TccPhase.Try, reserve, cancellationToken);
            return outcome == TccOutcome.RefusedHanging
                ? TryAnswer.Refused("The branch was cancelled before its try arrived.")
                : await answer(cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="confirm"/> on the branch's first Confirm; a repeated Confirm changes nothing and is
    /// answered as settled; a Confirm of a branch cancelled or never tried is refused.
    /// </summary>
    public Task<SettleAnswer> ConfirmAsync(TccBranchKey branch, Func<CancellationToken, Task> confirm,
        CancellationToken cancellationToken) =>
        SettleAsync(branch, TccPhase.Confirm, confirm, cancellationToken);

    /// <summary>
    /// Runs <paramref name="cancel"/> on the branch's first Cancel after its Try; a Cancel without a Try changes
    /// nothing and is answered as settled; a Cancel of a confirmed branch is refused.
    /// </summary>
    public Task<SettleAnswer> CancelAsync(TccBranchKey branch, Func<CancellationToken, Task> cancel,
        CancellationToken cancellationToken) =>
        SettleAsync(branch, TccPhase.Cancel, cancel, cancellationToken);

    Task<SettleAnswer> SettleAsync(TccBranchKey branch, TccPhase phase, Func<CancellationToken, Task> settle,
        CancellationToken cancellationToken) =>
        LocalTransaction.RunAsync(db, async _ => await RunAsync(branch, phase, settle, cancellationToken) switch
        {
            TccOutcome.RefusedSettledOtherwise => SettleAnswer.Refused(phase == TccPhase.Confirm
                ? "The branch was cancelled before this confirm arrived; nothing was changed."
                : "The branch was confirmed before this cancel arrived; nothing was changed."),
            TccOutcome.RefusedNotTried => SettleAnswer.Refused("The branch was never tried; nothing was confirmed."),
            TccOutcome.Expired => SettleAnswer.Refused(
                $"The branch is older than the barrier's retention of {settings.BarrierRetention.TotalDays:0} days: " +
                "whether it was settled is unknown, and nothing was changed."),
            _ => SettleAnswer.Ok,
        }, cancellationToken);

    async Task<TccOutcome> RunAsync(TccBranchKey branch, TccPhase phase, Func<CancellationToken, Task> work,
        CancellationToken cancellationToken)
    {
        var outcome = await TccBarrier.RunAsync(db, branch.TransactionId, branch.BranchId, phase, work,
            cancellationToken);
        logger.LogDebug("{Phase} {BranchId} of transaction {TransactionId}: {Outcome}", phase, branch.BranchId,
            branch.TransactionId, outcome);
        return outcome;
    }
}
