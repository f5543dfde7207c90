using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Transactions.ServiceDefaults.Http;

/// <summary>
/// Field rules shared by every API that takes money: collects one message per failing field, the shape
/// <see cref="Microsoft.AspNetCore.Http.Results.ValidationProblem"/> expects.
/// </summary>
public sealed partial class RequestRules
{
    public Dictionary<string, string[]> Errors { get; } = [];

    public bool IsValid => Errors.Count == 0;

    public RequestRules Required(string field, string? value, int maxLength = 64)
    {
        if (string.IsNullOrWhiteSpace(value))
            Fail(field, "Required.");
        else if (value.Length > maxLength)
            Fail(field, $"At most {maxLength} characters.");
        return this;
    }

    /// <summary>Money as decimal(18,2): at most two decimals, within range, positive or (when allowed) zero.</summary>
    public RequestRules Money(string field, decimal? value, bool allowZero = false)
    {
        if (value is not { } amount)
            Fail(field, "Required.");
        else if (allowZero ? amount < 0 : amount <= 0)
            Fail(field, allowZero ? "Must not be negative." : "Must be greater than zero.");
        else if (amount.Scale > 2 && amount != decimal.Round(amount, 2))
            Fail(field, "At most two decimals.");
        else if (amount >= 10_000_000_000_000_000m)
            Fail(field, "Too large for decimal(18,2).");
        return this;
    }

    /// <summary>An ISO 4217 code: three upper-case letters.</summary>
    public RequestRules Currency(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
            Fail(field, "Required.");
        else if (!CurrencyCode().IsMatch(value))
            Fail(field, "Must be an ISO 4217 code: three upper-case letters.");
        return this;
    }

    /// <summary>A present whole number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public RequestRules Range(string field, int? value, int min, int max)
    {
        if (value is not { } number)
            Fail(field, "Required.");
        else if (number < min || number > max)
            Fail(field, $"Must be between {min} and {max}.");
        return this;
    }

    /// <summary>
    /// A page size from the query string: <paramref name="defaultLimit"/> when absent, otherwise a whole number within
    /// [1, <paramref name="maxLimit"/>]. A list read without one is still bounded.
    /// </summary>
    public int Limit(string field, string? text, int defaultLimit, int maxLimit)
    {
        if (string.IsNullOrEmpty(text))
            return defaultLimit;
        var ok = int.TryParse(text, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit >= 1 && limit <= maxLimit;
        Check(ok, field, $"Must be a whole number between 1 and {maxLimit}.");
        return ok ? limit : defaultLimit;
    }

    public RequestRules Required<T>(string field, T? value) where T : struct
    {
        if (value is null)
            Fail(field, "Required.");
        return this;
    }

    /// <summary>The 400 validation problem naming every failing field, or null when the request is valid.</summary>
    public IResult? ToProblem() => IsValid ? null : Results.ValidationProblem(Errors);

    public RequestRules Check(bool ok, string field, string message)
    {
        if (!ok)
            Fail(field, message);
        return this;
    }

    void Fail(string field, string message)
    {
        if (!Errors.ContainsKey(field))
            Errors[field] = [message];
    }

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
