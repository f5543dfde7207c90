using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>The kit as the process users start: it explains itself, and what stops it from running is named.</summary>
public sealed class KitCommandLineTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task Help_explains_the_checks_and_the_contract_and_exits_0()
    {
        var run = await KitRun.AsProcessAsync(services, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--restart-command", run.Output);
        Assert.Contains("repeat, null-compensation, confirm-without-try, anti-hanging,", run.Output);
        Assert.Contains("tools/Conformance/README.md", run.Output);
    }

    [Theory]
    [InlineData("--resource kit --seeds none", "error: --seeds none: expected a whole number")]
    [InlineData("--resource kit --probe-url http://127.0.0.1:1/accounts/{resource}", "error: GET http://127.0.0.1:1/accounts/kit failed")]
    public async Task What_keeps_the_kit_from_running_is_named_and_it_exits_2(string line, string error)
    {
        var run = await KitRun.AsProcessAsync(services, line.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(error, run.Error.Trim());
        Assert.Empty(run.CheckLines);
    }
}
