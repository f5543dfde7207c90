using Microsoft.EntityFrameworkCore;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Persistence;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>
/// The answer to a Try: tried, refused with a business reason, or, for a Try repeated after its branch was settled,
/// how it was settled (a repeat is answered with what is true now, not with "tried").
/// </summary>
public sealed record TryAnswer(TryResult Result, string? Reason)
{
    public static readonly TryAnswer Ok = new(TryResult.Tried, null);
    public static TryAnswer Refused(string reason) => new(TryResult.Refused, reason);
    public bool Tried => Result == TryResult.Tried;
}

public enum TryResult
{
    Tried,
    Refused,
    Confirmed,
    Cancelled,
}

/// <summary>
/// The answer to a Confirm or Cancel: settled (now or before), or refused with the reason, having changed nothing.
/// </summary>
public sealed record SettleAnswer(bool Settled, string? Reason)
{
    public static readonly SettleAnswer Ok = new(true, null);
    public static SettleAnswer Refused(string reason) => new(false, reason);
}

/// <summary>
/// The bank's Try, Confirm and Cancel for both sides of a transfer, each in one local transaction behind the TCC
/// barrier, so a repeated, late or reordered message never moves money twice.
/// </summary>
public sealed class BankBranches(BankDbContext db, TimeProvider time, ILogger<BankBranches> logger)
{
    public Task<TryAnswer> TryAsync(Guid transferId, Guid branchId, HoldSide side, string accountId, decimal amount,
        string currency, CancellationToken ct) =>
        InTransactionAsync(async () =>
        {
            var outcome = await TccBarrier.RunAsync(db, transferId, branchId, TccPhase.Try,
                token => ReserveAsync(transferId, branchId, side, accountId, amount, currency, token), ct);
            logger.LogDebug("Try {Side} {BranchId} of transfer {TransferId}: {Outcome}", side, branchId, transferId, outcome);
            if (outcome == TccOutcome.RefusedHanging)
                return TryAnswer.Refused("The branch was cancelled before its try arrived.");
            // Executed or a repeat: answer from the hold, as the first Try did, or as the branch was settled since.
            var hold = await db.Holds.AsNoTracking().SingleOrDefaultAsync(h => h.BranchId == branchId, ct);
            return hold?.Status switch
            {
                null => TryAnswer.Refused("The branch is finished."),
                HoldStatus.Refused => TryAnswer.Refused(hold.Reason ?? "Refused."),
                HoldStatus.Confirmed => new TryAnswer(TryResult.Confirmed, null),
                HoldStatus.Cancelled => new TryAnswer(TryResult.Cancelled, null),
                _ => TryAnswer.Ok,
            };
        }, ct);

    /// <summary>
    /// Settles the branch's hold; a repeated Confirm changes nothing; a Confirm of a branch cancelled or never tried is
    /// refused.
    /// </summary>
    public Task<SettleAnswer> ConfirmAsync(Guid transferId, Guid branchId, CancellationToken ct) =>
        SettleAsync(transferId, branchId, TccPhase.Confirm, HoldStatus.Confirmed, ct);

    /// <summary>
    /// Releases the branch's hold, if its Try reserved one; a Cancel without a Try changes nothing; a Cancel of a
    /// confirmed branch is refused.
    /// </summary>
    public Task<SettleAnswer> CancelAsync(Guid transferId, Guid branchId, CancellationToken ct) =>
        SettleAsync(transferId, branchId, TccPhase.Cancel, HoldStatus.Cancelled, ct);

    async Task ReserveAsync(Guid transferId, Guid branchId, HoldSide side, string accountId, decimal amount,
        string currency, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var account = await LockAsync(accountId, ct);
        var reason = account is null ? $"Unknown account {accountId}."
            : account.Currency != currency ? $"Currency mismatch: account {accountId} holds {account.Currency}, not {currency}."
            : amount <= 0 ? "The amount must be greater than zero."
            : side == HoldSide.Debit && account.Available < amount ? $"Insufficient funds on account {accountId}."
            : null;
        db.Holds.Add(new Hold
        {
            BranchId = branchId, TransferId = transferId, Side = side, AccountId = accountId, Amount = amount,
            Currency = currency, Status = reason is null ? HoldStatus.Held : HoldStatus.Refused, Reason = reason,
            CreatedAt = now, UpdatedAt = now,
        });
        if (account is not null && reason is null)
            db.Ledger.Add(side == HoldSide.Debit
                ? account.Freeze(transferId, amount, now)
                : account.AddPendingCredit(transferId, amount, now));
        await db.SaveChangesAsync(ct);
    }

    Task<SettleAnswer> SettleAsync(Guid transferId, Guid branchId, TccPhase phase, HoldStatus settled,
        CancellationToken ct) =>
        InTransactionAsync(async () =>
        {
            var outcome = await TccBarrier.RunAsync(db, transferId, branchId, phase, async token =>
            {
                // Locked, so that whatever the barrier lets through, two settlements of one hold take turns and the
                // second sees the first one's status.
                var hold = await db.Holds.FromSql($"SELECT * FROM holds WHERE branch_id = {branchId} FOR UPDATE")
                    .SingleOrDefaultAsync(token);
                // Only a held reservation moves money; a refused Try reserved nothing.
                if (hold is not { Status: HoldStatus.Held })
                    return;
                var account = await LockAsync(hold.AccountId, token)
                    ?? throw new InvalidOperationException($"Account {hold.AccountId} of hold {branchId} is gone.");
                var now = time.GetUtcNow();
                db.Ledger.Add((hold.Side, settled) switch
                {
                    (HoldSide.Debit, HoldStatus.Confirmed) => account.DebitFrozen(transferId, hold.Amount, now),
                    (HoldSide.Debit, _) => account.ReleaseFrozen(transferId, hold.Amount, now),
                    (HoldSide.Credit, HoldStatus.Confirmed) => account.CreditPending(transferId, hold.Amount, now),
                    _ => account.DropPendingCredit(transferId, hold.Amount, now),
                });
                hold.Status = settled;
                hold.UpdatedAt = now;
                await db.SaveChangesAsync(token);
            }, ct);
            logger.LogDebug("{Phase} {BranchId} of transfer {TransferId}: {Outcome}", phase, branchId, transferId, outcome);
            return outcome switch
            {
                TccOutcome.RefusedSettledOtherwise => SettleAnswer.Refused(phase == TccPhase.Confirm
                    ? "The branch was cancelled before this confirm arrived; nothing was changed."
                    : "The branch was confirmed before this cancel arrived; nothing was changed."),
                TccOutcome.RefusedNotTried => SettleAnswer.Refused("The branch was never tried; nothing was confirmed."),
                TccOutcome.Expired => SettleAnswer.Refused(
                    $"The branch is older than the barrier's retention of {BarrierCleanup.Retention.TotalDays:0} days: " +
                    "whether it was settled is unknown, and nothing was changed."),
                _ => SettleAnswer.Ok,
            };
        }, ct);

    /// <summary>Reads the account and locks its row, so concurrent branches on one account take turns.</summary>
    Task<Account?> LockAsync(string accountId, CancellationToken ct) =>
        db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {accountId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);

    /// <summary>Runs in the caller's transaction when there is one (an outbox may have opened it), else in its own.</summary>
    async Task<T> InTransactionAsync<T>(Func<Task<T>> body, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
            return await body();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await body();
        await transaction.CommitAsync(ct);
        return result;
    }
}
