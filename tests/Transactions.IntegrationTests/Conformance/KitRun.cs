using Transactions.Conformance;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.IntegrationTests.Scripts;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// One run of the conformance kit against the class's vhost, through its library entry point or as the process
/// users start, with what it printed.
/// </summary>
public sealed record KitRun(int ExitCode, string Output, string Error)
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>The check lines (<c>PASS name: evidence</c>, <c>FAIL ...</c>, <c>SKIP ...</c>).</summary>
    public IReadOnlyList<string> CheckLines => Output.Split('\n', StringSplitOptions.TrimEntries)
        .Where(l => l.StartsWith("PASS ") || l.StartsWith("FAIL ") || l.StartsWith("SKIP ")).ToList();

    /// <summary>The verdict printed for the check named <paramref name="name"/>, or null if it was not printed.</summary>
    public string? VerdictOf(string name) => CheckLines.FirstOrDefault(l => l[5..].StartsWith(name + ":"))?[..4];

    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";

    public static async Task<KitRun> InProcessAsync(IsolatedServices services, params string[] arguments)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        using var timeout = new CancellationTokenSource(Timeout);
        var exitCode = await ConformanceKit.RunAsync([.. WithBroker(services, arguments)], output, error, timeout.Token);
        return new KitRun(exitCode, output.ToString(), error.ToString());
    }

    public static async Task<KitRun> AsProcessAsync(IsolatedServices services, params string[] arguments)
    {
        var run = await ServiceProcess.RunToExitAsync(BuiltDll(), new Dictionary<string, string?>(), Timeout,
            WithBroker(services, arguments));
        return new KitRun(run.ExitCode, run.Output, run.Error);
    }

    /// <summary>
    /// The kit as built in its own folder (same configuration as the tests), where its dependencies are: the copy
    /// beside the tests resolves them against the tests' ASP.NET Core framework, which a console app does not load.
    /// </summary>
    static string BuiltDll()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(RunScript.RepositoryRoot(), "tools", "Conformance", "bin", framework.Parent!.Name,
            framework.Name, "Transactions.Conformance.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build tools/Conformance first.", dll);
    }

    static string[] WithBroker(IsolatedServices services, string[] arguments) =>
        ["--broker", services.AmqpUrl.ToString(), .. arguments];
}
