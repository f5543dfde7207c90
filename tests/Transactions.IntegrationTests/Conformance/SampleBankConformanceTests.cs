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
}
