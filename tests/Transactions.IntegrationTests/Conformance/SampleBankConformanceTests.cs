using Xunit.Abstractions;
using System.Net.Http.Json;
using Transactions.IntegrationTests.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// The conformance kit, run as a user would against the sample bank (a process of its own, reached over RabbitMQ and
/// its accounts API only), passes every check on both branches.
/// </summary>
public sealed class SampleBankConformanceTests(IsolatedServices services, ITestOutputHelper output)
    : IClassFixture<IsolatedServices>
{
    const string Account = "kit";

    [Theory]
    [InlineData("debit")]
    [InlineData("credit")]
    public async Task The_sample_bank_passes_every_check_of_the_kit(string branch)
    {
        await using var bank = await RunningService.StartAsync(ServiceProcess.Participants,
            await BankTransferSystem.BankSettingsAsync(services, $"bank{branch}"));
        using (var opened = await bank.Client.PostAsJsonAsync("/api/accounts",
                   new { accountId = Account, currency = "EUR", initialBalance = 10_000m }))
            opened.EnsureSuccessStatusCode();

        var run = await KitRun.InProcessAsync(services, "--branch", branch, "--resource", Account,
            "--probe-url", $"{bank.Client.BaseAddress}api/accounts/{{resource}}",
            "--probe-header", $"{TestApiKey.Header}: {TestApiKey.Key}", "--seeds", "6", "--checks",
            "repeat,null-compensation,confirm-without-try,anti-hanging,exclusion,concurrent-duplicates,reordering");
        output.WriteLine(run.ToString());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(13, run.CheckLines.Count);
        Assert.All(run.CheckLines, line => Assert.StartsWith("PASS ", line));
        // Each effect was read and is the one the rules give, not merely some reply.
        Assert.Contains(run.CheckLines, l => l.StartsWith("PASS Confirm ×3: ") && l.Contains("held -10.00"));
    }

    [Fact]
    public async Task The_sample_bank_killed_and_restarted_by_the_restart_command_while_trys_are_in_flight_passes_the_crash_check()
    {
        await using var bank = await ScriptedService.StartParticipantsAsync(
            await BankTransferSystem.BankSettingsAsync(services, "bankcrash"));
        using (var opened = await bank.Client.PostAsJsonAsync("/api/accounts",
                   new { accountId = Account, currency = "EUR", initialBalance = 10_000m }))
            opened.EnsureSuccessStatusCode();
        var first = bank.Pid;

        var run = await KitRun.InProcessAsync(services, "--branch", "debit", "--resource", Account,
            "--probe-url", $"{bank.Client.BaseAddress}api/accounts/{{resource}}",
            "--probe-header", $"{TestApiKey.Header}: {TestApiKey.Key}", "--checks", "crash",
            "--restart-command", bank.RestartCommand);
        output.WriteLine(run.ToString());

        // The bank the kit ran against was killed and another one answered the rest.
        Assert.NotEqual(first, bank.Pid);
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(first));
        Assert.True(run.ExitCode == 0, run.ToString());
        var line = Assert.Single(run.CheckLines);
        Assert.StartsWith("PASS Crash in the middle: restart begun with ", line);
        Assert.Contains("held 0.00, balance -200.00 (expected held 0.00, balance -200.00)", line);
    }
}
