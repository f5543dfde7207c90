using System.Buffers.Binary;

namespace Transactions.Coordinator.Sagas;

/// <summary>
/// Where a page of a keyset-paged list ended: the last item's time and id, the list's sort key (the saga list's
/// creation time and saga id; the audit log's request time and action id). Clients see it only as an opaque
/// base64url token, so its layout can change without breaking them.
/// </summary>
public sealed record PageCursor(DateTimeOffset At, Guid Id)
{
    const int Length = sizeof(long) + 16;

    public string Encode()
    {
        Span<byte> bytes = stackalloc byte[Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, At.UtcTicks);
        Id.TryWriteBytes(bytes[sizeof(long)..], bigEndian: true, out _);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool TryDecode(string token, out PageCursor? cursor)
    {
        cursor = null;
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
        Span<byte> bytes = stackalloc byte[Length + 3];
        if (!Convert.TryFromBase64String(base64, bytes, out var written) || written != Length)
            return false;
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            return false;
        cursor = new PageCursor(new DateTimeOffset(ticks, TimeSpan.Zero),
            new Guid(bytes.Slice(sizeof(long), 16), bigEndian: true));
        return true;
    }
}
