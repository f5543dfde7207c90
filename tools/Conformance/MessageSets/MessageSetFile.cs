using System.Text.Json;
using System.Text.Json.Nodes;
using Transactions.Conformance.Rules;

namespace Transactions.Conformance.MessageSets;

/// <summary>
/// Reads the message set of a participant other than the bank from a JSON file (<c>--message-set</c>); the shape is
/// in tools/Conformance/README.md. A missing or wrong field is an error naming it. A file without <c>confirm</c>
/// describes a saga step, whose cancel needs no <c>refused</c>.
/// </summary>
public static class MessageSetFile
{
    sealed record PhaseDto(string? Command, string? Succeeded, string? Refused);

    sealed record ProbeDto(string? Url, Dictionary<string, string>? Paths);

    sealed record FileDto(string? Name, string? Queue, string? TransactionIdField, string? BranchIdField,
        PhaseDto? Try, PhaseDto? Confirm, PhaseDto? Cancel, Dictionary<string, JsonNode?>? TryFields, ProbeDto? Probe,
        Dictionary<string, Dictionary<string, decimal>>? Effects);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <exception cref="FormatException">The file is not a message set; the message names the field.</exception>
    public static MessageSet Load(string path)
    {
        FileDto dto;
        try
        {
            dto = JsonSerializer.Deserialize<FileDto>(File.ReadAllText(path), Json)
                  ?? throw new FormatException($"{path}: the file is empty.");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{path}: {e.Message}");
        }

        var (name, queue) = (Required(path, "name", dto.Name), Required(path, "queue", dto.Queue));
        var paths = (dto.Probe?.Paths ?? Fail<Dictionary<string, string>>(path, "probe.paths"))
            .Select(p => KeyValuePair.Create(p.Key, p.Value)).ToList();
        if (paths.Count == 0)
            Fail<object>(path, "probe.paths", "names no quantity");
        var step = dto.Confirm is null;
        var effects = new Dictionary<Phase, IReadOnlyDictionary<string, decimal>>();
        foreach (var (phaseName, effect) in dto.Effects ?? Fail<Dictionary<string, Dictionary<string, decimal>>>(path, "effects"))
        {
            if (!Enum.TryParse<Phase>(phaseName, ignoreCase: true, out var phase))
                Fail<object>(path, $"effects.{phaseName}", "is not a phase (try, confirm, cancel)");
            if (step && phase == Phase.Confirm)
                Fail<object>(path, $"effects.{phaseName}", "is given, but confirm is not (a saga step has no Confirm)");
            foreach (var unknown in effect.Keys.Where(n => paths.All(p => p.Key != n)))
                Fail<object>(path, $"effects.{phaseName}.{unknown}", "is not a quantity named in probe.paths");
            effects[phase] = effect;
        }

        return new MessageSet(
            name,
            queue,
            dto.TransactionIdField ?? "transactionId",
            dto.BranchIdField ?? "branchId",
            PhaseOf(path, "try", dto.Try),
            step ? null : PhaseOf(path, "confirm", dto.Confirm),
            PhaseOf(path, "cancel", dto.Cancel, refusable: !step),
            dto.TryFields ?? [],
            Required(path, "probe.url", dto.Probe?.Url),
            paths,
            effects);
    }

    /// <param name="refusable">False for a saga step's cancel: its <c>refused</c> may be left out.</param>
    static PhaseMessages PhaseOf(string path, string field, PhaseDto? dto, bool refusable = true) => new(
        MessageSet.Urn(Required(path, $"{field}.command", dto?.Command)),
        MessageSet.Urn(Required(path, $"{field}.succeeded", dto?.Succeeded)),
        refusable || dto?.Refused is not null ? MessageSet.Urn(Required(path, $"{field}.refused", dto?.Refused)) : null);

    static string Required(string path, string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? Fail<string>(path, field) : value;

    static T Fail<T>(string path, string field, string problem = "is missing") =>
        throw new FormatException($"{path}: {field} {problem}.");
}
