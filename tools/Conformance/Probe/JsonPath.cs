using System.Globalization;
using System.Text.Json;

namespace Transactions.Conformance.Probe;

/// <summary>
/// The small part of JSONPath a probe needs: <c>$.balance</c>, <c>$.account.frozen</c>, <c>$.items[0].count</c> (the
/// leading <c>$.</c> may be left out). The value found must be a number, or a string holding one.
/// </summary>
public sealed class JsonPath
{
    readonly IReadOnlyList<object> _segments;

    JsonPath(string text, IReadOnlyList<object> segments)
    {
        Text = text;
        _segments = segments;
    }

    public string Text { get; }

    public static JsonPath Parse(string text)
    {
        var rest = text.Trim();
        rest = rest.StartsWith("$.") ? rest[2..] : rest == "$" ? "" : rest;
        var segments = new List<object>();
        foreach (var part in rest.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[');
            segments.Add(bracket < 0 ? part : part[..bracket]);
            for (var at = bracket; at >= 0; at = part.IndexOf('[', at + 1))
            {
                var close = part.IndexOf(']', at);
                if (close < 0 || !int.TryParse(part[(at + 1)..close], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                    throw new FormatException($"'{text}' is not a JSON path this kit reads (use $.name.name[0]).");
                segments.Add(index);
            }
        }
        if (segments.Count == 0 || segments[0] is "")
            throw new FormatException($"'{text}' names no field (use $.name, for example $.balance).");
        return new JsonPath(text, segments);
    }

    /// <summary>The number at this path, or null with the reason when there is none.</summary>
    public decimal? Read(JsonElement root, out string? problem)
    {
        var current = root;
        foreach (var segment in _segments)
        {
            var found = segment switch
            {
                string name => current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out current),
                int index => current.ValueKind == JsonValueKind.Array && index < current.GetArrayLength()
                             && (current = current[index]).ValueKind != JsonValueKind.Undefined,
                _ => false,
            };
            if (!found)
            {
                problem = $"{Text} is not in the answer";
                return null;
            }
        }
        if (current.ValueKind == JsonValueKind.Number && current.TryGetDecimal(out var number))
        {
            problem = null;
            return number;
        }
        if (current.ValueKind == JsonValueKind.String
            && decimal.TryParse(current.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out number))
        {
            problem = null;
            return number;
        }
        problem = $"{Text} is {current.GetRawText()}, not a number";
        return null;
    }

    public override string ToString() => Text;
}
