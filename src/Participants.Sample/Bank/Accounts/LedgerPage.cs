using System.Buffers.Binary;
using System.Buffers.Text;
using Microsoft.EntityFrameworkCore;
using Transactions.Participants.Sample.Bank.Persistence;

namespace Transactions.Participants.Sample.Bank.Accounts;

public sealed record LedgerEntryView(long Id, DateTimeOffset At, string Kind, Guid? TransferId, decimal Amount,
    decimal Available, decimal Frozen, decimal PendingCredit);

/// <summary>A page of an account's ledger, oldest entry first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record LedgerPage(IReadOnlyList<LedgerEntryView> Items, string? NextCursor)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>
    /// Up to <paramref name="take"/> entries of <paramref name="accountId"/> after entry <paramref name="afterId"/>,
    /// by id: a range scan of the (account_id, id) index that stops after <paramref name="take"/> rows, however long
    /// the ledger.
    /// </summary>
    public static IQueryable<LedgerEntryView> Query(BankDbContext db, string accountId, long? afterId, int take)
    {
        // Bounds on the pair (account_id, id), not "account_id = @id AND id > @after ORDER BY id": with the account
        // fixed by an equality PostgreSQL may walk the primary key in id order and filter by account, which for an
        // account holding many of the newest entries reads past every older entry of the others first (300-900 ms
        // at a million rows). Pair bounds and pair order leave only the (account_id, id) index to serve them.
        // Identity ids start at 1, so 0 is before the first entry.
        var after = afterId ?? 0;
        return db.Ledger
            .Where(l => EF.Functions.GreaterThan(ValueTuple.Create(l.AccountId, l.Id), ValueTuple.Create(accountId, after))
                && EF.Functions.LessThanOrEqual(ValueTuple.Create(l.AccountId, l.Id),
                    ValueTuple.Create(accountId, long.MaxValue)))
            .OrderBy(l => l.AccountId).ThenBy(l => l.Id)
            .Take(take)
            .Select(l => new LedgerEntryView(l.Id, l.At, l.Kind.ToString(), l.TransferId, l.Amount, l.Available,
                l.Frozen, l.PendingCredit));
    }

    /// <summary>The page of <paramref name="rows"/>, read with one row more than <paramref name="limit"/>.</summary>
    public static LedgerPage Of(List<LedgerEntryView> rows, int limit)
    {
        if (rows.Count <= limit)
            return new LedgerPage(rows, null);
        rows.RemoveAt(limit);
        return new LedgerPage(rows, EncodeCursor(rows[^1].Id));
    }

    // The cursor is the last entry's id, as an opaque base64url token: clients pass it back unchanged.
    static string EncodeCursor(long id)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, id);
        return Base64Url.EncodeToString(bytes);
    }

    public static bool TryDecodeCursor(string token, out long id)
    {
        id = 0;
        // Decoding throws on characters outside base64url: check them first.
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        if (!Base64Url.IsValid(token, out var length) || length != sizeof(long)
            || !Base64Url.TryDecodeFromChars(token, bytes, out _))
            return false;
        id = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return id >= 0;
    }
}
