using Microsoft.AspNetCore.Http;

namespace Transactions.ServiceDefaults.Api;

/// <summary>
/// Collects what is wrong with a request, field by field, and answers it as one RFC 9457 validation problem (400)
/// whose <c>errors</c> name each field, so a client can point at the value to fix.
/// </summary>
public sealed class RequestErrors
{
    readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="message"/> against <paramref name="field"/> unless <paramref name="valid"/>.</summary>
    public RequestErrors Check(bool valid, string field, string message)
    {
        if (!valid)
        {
            if (!_errors.TryGetValue(field, out var messages))
                _errors[field] = messages = [];
            messages.Add(message);
        }
        return this;
    }

    /// <summary>A non-blank text of at most <paramref name="maxLength"/> characters.</summary>
    public RequestErrors Text(string? value, string field, int maxLength = 64) =>
        Check(!string.IsNullOrWhiteSpace(value), field, "Required.")
            .Check(value is null || value.Length <= maxLength, field, $"At most {maxLength} characters.");

    /// <summary>A present whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public RequestErrors Range(int? value, string field, int min, int max) =>
        Check(value is not null, field, "Required.")
            .Check(value is null || (value >= min && value <= max), field, $"Must be between {min} and {max}.");

    public RequestErrors Required<T>(T? value, string field) where T : struct =>
        Check(value is not null, field, "Required.");

    public bool Any => _errors.Count > 0;

    /// <summary>The 400 problem naming every failing field, or null when the request is valid.</summary>
    public IResult? ToProblem() => Any
        ? Results.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            title: "The request is not valid.")
        : null;

    public static IResult Single(string field, string message) =>
        new RequestErrors().Check(false, field, message).ToProblem()!;
}
