using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Transactions.ServiceDefaults.Configuration;

/// <summary>
/// Ends a service whose configuration is invalid the way an operator can act on: one line per bad setting on standard
/// error and exit code 1, instead of an unhandled exception's abort (exit code 134) and a stack trace.
/// </summary>
public static class InvalidConfiguration
{
    /// <summary>
    /// Runs a service's <paramref name="main"/>. Hosted inside another program (a test host), the exception goes to
    /// that program as before, so it can inspect it.
    /// </summary>
    public static async Task<int> ExitOnInvalidAsync(Func<Task<int>> main)
    {
        try
        {
            return await main();
        }
        catch (Exception e) when (IsOwnProcess(main) && BadSettings(e) is { Count: > 0 } settings)
        {
            foreach (var setting in settings)
                await Console.Error.WriteLineAsync($"Invalid setting {setting}");
            return 1;
        }
    }

    /// <summary>
    /// What each bad setting is, or nothing when any part of <paramref name="failure"/> is not about configuration
    /// (that one is a fault to see with its stack trace).
    /// </summary>
    static IReadOnlyList<string> BadSettings(Exception failure)
    {
        var causes = failure is AggregateException all ? all.Flatten().InnerExceptions : [failure];
        var settings = new List<string>();
        foreach (var cause in causes)
        {
            if (cause is OptionsValidationException invalid)
                settings.AddRange(invalid.Failures);
            // The binder names the key and the type it could not convert the value to ("Port" = "abc").
            else if (cause is InvalidOperationException && cause.TargetSite?.DeclaringType == typeof(ConfigurationBinder))
                settings.Add(cause.Message);
            else
                return [];
        }
        return settings.Distinct().ToList();
    }

    static bool IsOwnProcess(Delegate main) => Assembly.GetEntryAssembly() == main.Method.DeclaringType?.Assembly;
}
