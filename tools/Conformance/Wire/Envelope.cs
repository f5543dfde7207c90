using System.Text.Json;
using System.Text.Json.Nodes;
using Transactions.Conformance.MessageSets;

namespace Transactions.Conformance.Wire;

/// <summary>
/// MassTransit's JSON envelope (content type <c>application/vnd.masstransit+json</c>), written and read by hand as a
/// participant in any language would: the fields the contract in tools/Conformance/README.md names, nothing else.
/// </summary>
public static class Envelope
{
    public const string ContentType = "application/vnd.masstransit+json";

    public static byte[] Write(Guid messageId, Guid conversationId, string messageTypeUrn, JsonObject message) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["messageId"] = messageId.ToString(),
            ["conversationId"] = conversationId.ToString(),
            ["messageType"] = new JsonArray(messageTypeUrn),
            ["sentTime"] = DateTime.UtcNow.ToString("O"),
            ["message"] = message,
        });

    /// <summary>
    /// The reply in <paramref name="body"/>, or null with the reason when it is no envelope naming a branch. Of the
    /// <c>messageType</c> URNs (MassTransit lists the type's interfaces too) the first the set knows is taken.
    /// </summary>
    public static Reply? Read(ReadOnlySpan<byte> body, MessageSet set, out string? problem)
    {
        try
        {
            var root = JsonDocument.Parse(body.ToArray()).RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("messageType", out var types) || types.ValueKind != JsonValueKind.Array
                || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.Object)
            {
                problem = "not an envelope with messageType and message";
                return null;
            }
            var urns = types.EnumerateArray().Select(t => t.GetString() ?? "").ToList();
            var urn = urns.FirstOrDefault(u => set.KindOf(u) is not null) ?? urns.FirstOrDefault() ?? "";
            if (!message.TryGetProperty(set.BranchIdField, out var branch) || branch.ValueKind != JsonValueKind.String
                || !branch.TryGetGuid(out var branchId))
            {
                problem = $"{MessageSet.ShortName(urn)} has no {set.BranchIdField}";
                return null;
            }
            var reason = message.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String
                ? r.GetString()
                : null;
            problem = null;
            return new Reply(branchId, urn, set.KindOf(urn), reason);
        }
        catch (JsonException e)
        {
            problem = $"not JSON ({e.Message})";
            return null;
        }
    }
}
