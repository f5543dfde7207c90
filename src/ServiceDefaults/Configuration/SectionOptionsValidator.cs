using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Configuration;

/// <summary>
/// Validates options by their data annotations and names each failing setting by its full configuration key
/// (for example <c>RabbitMq:Port</c>), so an operator knows exactly which value to fix.
/// </summary>
internal sealed class SectionOptionsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            return ValidateOptionsResult.Success;

        var failures = results.Select(r =>
            $"{section}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}");
        return ValidateOptionsResult.Fail(failures);
    }
}
