using Transactions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// The conformance kit, run as the process users start, fails a participant that has no TCC barrier, naming each
/// guarantee it breaks, and passes what it does get right. The participant is described to the kit in a message set
/// file, as one other than the bank would be.
/// </summary>
public sealed class NoBarrierConformanceTests(IsolatedServices services, ITestOutputHelper output)
    : IClassFixture<IsolatedServices>
{
    const string Account = "kit";

    [Fact]
    public async Task A_participant_without_a_barrier_fails_the_kit_which_names_the_broken_guarantees()
    {
        await using var participant = await NoBarrierParticipant.StartAsync(services, Account, 10_000m);

        // Described in a message set file, as a participant other than the bank would be.
        var messageSet = Path.GetTempFileName();
        await File.WriteAllTextAsync(messageSet, MessageSet(participant.ProbeUrl));
        KitRun run;
        try
        {
            run = await KitRun.AsProcessAsync(services, "--message-set", messageSet, "--resource", Account, "--seeds", "6");
        }
        finally
        {
            File.Delete(messageSet);
        }
        output.WriteLine(run.ToString());

        Assert.Equal(1, run.ExitCode);
        // Repeats take effect again, a Confirm is applied without its Try or after its Cancel, a late Try freezes
        // money nobody will release, and concurrent or reordered copies do the same.
        foreach (var broken in new[]
                 {
                     "Try ×3", "Confirm ×3", "Cancel ×3", "Confirm without Try", "Try after Cancel", "Cancel after Confirm",
                     "Confirm after Cancel", "Confirm and Cancel at once", "Try ×5 at once", "Confirm ×5 at once",
                     "Cancel ×5 at once", "Reorderings over 6 seeds",
                 })
            Assert.True(run.VerdictOf(broken) == "FAIL", $"{broken}: {run.VerdictOf(broken)}\n{run}");
        // A Cancel without a Try finds no hold and changes nothing: the kit does not fail what is right.
        Assert.Equal("PASS", run.VerdictOf("Cancel without Try"));
        Assert.Equal("SKIP", run.VerdictOf("Crash in the middle"));
        Assert.Contains(run.CheckLines, l => l.StartsWith("FAIL Confirm ×3: held -30.00"));
        // The summary names the guarantees broken.
        Assert.Contains("Broken: idempotency (Try ×3, Confirm ×3, Cancel ×3); no Confirm without Try", run.Output);
        Assert.Contains("; anti-hanging (Try after Cancel); Confirm/Cancel exclusion (", run.Output);
    }

    /// <summary>The bank's debit messages on the broken participant's queue, its probe and what each phase does there.</summary>
    static string MessageSet(string probeUrl) => $$"""
        {
          "name": "no-barrier debit", "queue": "{{NoBarrierParticipant.Queue}}", "transactionIdField": "transferId",
          "try": { "command": "Transactions.Contracts.BankTransfers:TryDebit",
                   "succeeded": "Transactions.Contracts.BankTransfers:DebitTried", "refused": "Transactions.Contracts.BankTransfers:DebitRefused" },
          "confirm": { "command": "Transactions.Contracts.BankTransfers:ConfirmDebit",
                       "succeeded": "Transactions.Contracts.BankTransfers:DebitConfirmed", "refused": "Transactions.Contracts.BankTransfers:DebitConfirmRefused" },
          "cancel": { "command": "Transactions.Contracts.BankTransfers:CancelDebit",
                      "succeeded": "Transactions.Contracts.BankTransfers:DebitCancelled", "refused": "Transactions.Contracts.BankTransfers:DebitCancelRefused" },
          "tryFields": { "accountId": "{resource}", "amount": "{amount}", "currency": "EUR" },
          "probe": { "url": "{{probeUrl}}", "paths": { "held": "$.frozen", "balance": "$.available" } },
          "effects": { "try": { "held": 1, "balance": -1 }, "confirm": { "held": -1 }, "cancel": { "held": -1, "balance": 1 } }
        }
        """;
}
