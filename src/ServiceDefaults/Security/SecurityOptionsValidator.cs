using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Security;

/// <summary>
/// Checks <see cref="SecurityOptions"/> at start-up and names the setting at fault. Outside Development and Testing
/// there is no default that works: at least one key, every key long enough, and no anonymous reads.
/// </summary>
public sealed class SecurityOptionsValidator(IHostEnvironment environment) : IValidateOptions<SecurityOptions>
{
    public const int MinimumKeyLength = 32;
    const string Section = SecurityOptions.Section;

    // Every key in appsettings.Development.json carries this, so a copied development key cannot open production.
    const string DevelopmentKeyMarker = "not-for-production";

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        var strict = !environment.IsDevelopment() && !environment.IsEnvironment("Testing");
        if (strict && options.ApiKeys.Count == 0)
            failures.Add($"{Section}:ApiKeys is empty: configure at least one API key (for example the environment " +
                         $"variables {Section}__ApiKeys__0__Name, {Section}__ApiKeys__0__Key, {Section}__ApiKeys__0__Roles__0).");
        if (strict && options.AllowAnonymousReads)
            failures.Add($"{Section}:AllowAnonymousReads may be true only in Development.");
        if (options.WritePermitLimit < 1)
            failures.Add($"{Section}:WritePermitLimit must be at least 1.");
        if (options.WriteWindowSeconds < 1)
            failures.Add($"{Section}:WriteWindowSeconds must be at least 1.");
        if (options.MaxWriteBodyBytes < 1)
            failures.Add($"{Section}:MaxWriteBodyBytes must be at least 1.");

        for (var i = 0; i < options.ApiKeys.Count; i++)
            failures.AddRange(Check(options.ApiKeys[i], $"{Section}:ApiKeys:{i}", strict));
        var duplicates = options.ApiKeys.GroupBy(k => k.Name, StringComparer.Ordinal).Where(g => g.Count() > 1);
        failures.AddRange(duplicates.Select(d => $"{Section}:ApiKeys: the name '{d.Key}' is used more than once."));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    static IEnumerable<string> Check(ApiKeyOptions key, string path, bool strict)
    {
        if (string.IsNullOrWhiteSpace(key.Name))
            yield return $"{path}:Name is required.";
        var hasKey = !string.IsNullOrEmpty(key.Key);
        var hasHash = !string.IsNullOrEmpty(key.KeySha256);
        if (hasKey == hasHash)
            yield return $"{path}:Key or {path}:KeySha256 is required, not both.";
        if (hasKey && strict && key.Key!.Length < MinimumKeyLength)
            yield return $"{path}:Key is shorter than {MinimumKeyLength.ToString(CultureInfo.InvariantCulture)} characters.";
        if (hasKey && strict && key.Key!.Contains(DevelopmentKeyMarker, StringComparison.OrdinalIgnoreCase))
            yield return $"{path}:Key is a published development key.";
        if (hasHash && !IsSha256Hex(key.KeySha256!))
            yield return $"{path}:KeySha256 must be 64 hexadecimal digits.";
        if (key.Roles.Count == 0)
            yield return $"{path}:Roles is empty: give at least one of {string.Join(", ", Roles.All)}.";
        foreach (var role in key.Roles.Where(r => !Roles.All.Contains(r)))
            yield return $"{path}:Roles: '{role}' is not one of {string.Join(", ", Roles.All)}.";
    }

    static bool IsSha256Hex(string value) => value.Length == 64 && value.All(Uri.IsHexDigit);
}
