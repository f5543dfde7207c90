using Microsoft.EntityFrameworkCore;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Persistence;
using Transactions.Participants.Tcc;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>
/// The bank's Try, Confirm and Cancel for both sides of a transfer, each in one local transaction behind the TCC
/// barrier (<see cref="TccBranchRunner{TContext}"/>), so a repeated, late or reordered message never moves money twice.
/// </summary>
public sealed class BankBranches(BankDbContext db, TccBranchRunner<BankDbContext> barrier, TimeProvider time)
{
    /// <summary>
    /// What a Try must carry besides its ids, or it can never succeed. Business reasons (an unknown account, a
    /// currency that does not match, an amount not above zero) are answered with a refusal instead.
    /// </summary>
    public static void CheckTry(string messageType, string? accountId, string? currency)
    {
        MessageFields.RequireText(messageType, "accountId", accountId);
        MessageFields.RequireText(messageType, "currency", currency);
    }

    public Task<TryAnswer> TryAsync(Guid transferId, Guid branchId, HoldSide side, string accountId, decimal amount,
        string currency, CancellationToken ct) =>
        barrier.TryAsync(new(transferId, branchId),
            token => ReserveAsync(transferId, branchId, side, accountId, amount, currency, token),
            // Executed or a repeat: answer from the hold, as the first Try did, or as the branch was settled since.
            async token =>
            {
                var hold = await db.Holds.AsNoTracking().SingleOrDefaultAsync(h => h.BranchId == branchId, token);
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
        barrier.ConfirmAsync(new(transferId, branchId),
            token => SettleAsync(transferId, branchId, HoldStatus.Confirmed, token), ct);

    /// <summary>
    /// Releases the branch's hold, if its Try reserved one; a Cancel without a Try changes nothing; a Cancel of a
    /// confirmed branch is refused.
    /// </summary>
    public Task<SettleAnswer> CancelAsync(Guid transferId, Guid branchId, CancellationToken ct) =>
        barrier.CancelAsync(new(transferId, branchId),
            token => SettleAsync(transferId, branchId, HoldStatus.Cancelled, token), ct);

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

    async Task SettleAsync(Guid transferId, Guid branchId, HoldStatus settled, CancellationToken ct)
    {
        // Locked, so that whatever the barrier lets through, two settlements of one hold take turns and the second sees
        // the first one's status.
        var hold = await db.Holds.FromSql($"SELECT * FROM holds WHERE branch_id = {branchId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        // Only a held reservation moves money; a refused Try reserved nothing.
        if (hold is not { Status: HoldStatus.Held })
            return;
        var account = await LockAsync(hold.AccountId, ct)
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
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Reads the account and locks its row, so concurrent branches on one account take turns.</summary>
    Task<Account?> LockAsync(string accountId, CancellationToken ct) =>
        db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {accountId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
}
