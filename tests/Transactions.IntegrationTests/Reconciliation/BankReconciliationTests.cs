using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Transactions.Coordinator.Reconciliation;
using Transactions.IntegrationTests.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Reconciliation;

public sealed class BankReconciliationTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task Finished_transfers_the_bank_disagrees_with_are_reported_and_agreeing_ones_are_not()
    {
        await using var system = await BankTransferSystem.StartAsync(services,
            configureCoordinator: c => c["Reconciliation:ScheduleEnabled"] = "false");
        await system.OpenAccountAsync("alice", 100m);
        await system.OpenAccountAsync("bob", 0m);
        var first = await system.StartTransferAsync("alice", "bob", 10m);
        var second = await system.StartTransferAsync("alice", "bob", 500m);
        var third = await system.StartTransferAsync("alice", "bob", 600m);
        Assert.Equal("Completed", (await system.TerminalSagaAsync(first)).GetProperty("state").GetString());
        Assert.Equal("Cancelled", (await system.TerminalSagaAsync(second)).GetProperty("state").GetString());
        Assert.Equal("Cancelled", (await system.TerminalSagaAsync(third)).GetProperty("state").GetString());

        var clean = await ReconciliationApi.RunAsync(system.Coordinator, "");
        Assert.Equal(3, clean.Examined["bank-consistency"]);
        Assert.DoesNotContain(clean.Findings, f => f.Kind == "business-mismatch");

        // The bank loses the confirmation of the completed transfer's debit (money frozen again); one cancelled
        // transfer's credit is found held, the other's confirmed.
        await TamperAsync(system, "UPDATE holds SET status = 'Held' WHERE transfer_id = @id AND side = 'Debit'", first);
        await TamperAsync(system, "UPDATE holds SET status = 'Held' WHERE transfer_id = @id AND side = 'Credit'", second);
        await TamperAsync(system, "UPDATE holds SET status = 'Confirmed' WHERE transfer_id = @id AND side = 'Credit'", third);

        var report = await ReconciliationApi.RunAsync(system.Coordinator, "");
        var mismatches = report.Findings.Where(f => f.Kind == "business-mismatch").ToDictionary(f => f.Subject);
        Assert.Equal(3, mismatches.Count);
        var mismatch = mismatches[$"bank-transfer/{first}"];
        Assert.Contains("Completed", mismatch.Detail);
        Assert.Contains("debit branch on account alice is Held", mismatch.Detail);
        Assert.Contains("saga is Cancelled but the credit branch on account bob still holds 500",
            mismatches[$"bank-transfer/{second}"].Detail);
        Assert.Contains("saga is Cancelled but the credit branch on account bob was Confirmed",
            mismatches[$"bank-transfer/{third}"].Detail);
    }

    static async Task TamperAsync(BankTransferSystem system, string sql, Guid transferId)
    {
        await using var bank = new NpgsqlConnection(system.BankConnectionString);
        await bank.OpenAsync();
        await using var tamper = new NpgsqlCommand(sql, bank);
        tamper.Parameters.AddWithValue("id", transferId);
        Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_transfer_stuck_after_a_lost_deadline_is_driven_to_cancel_by_runs_and_not_by_a_dry_run()
    {
        // The deadline job polls every ten minutes here, as if its messages were lost; the bank is not running.
        await using var system = await BankTransferSystem.StartAsync(services, startBank: false,
            tryTimeout: TimeSpan.FromSeconds(1), configureCoordinator: c =>
            {
                c["SagaDeadlines:PollInterval"] = "00:10:00";
                c["Reconciliation:ScheduleEnabled"] = "false";
                c["Reconciliation:NoProgressAfter"] = "00:00:00";
            });
        var transfer = await system.StartTransferAsync("alice", "bob", 10m);

        var dry = await Eventually.Until(() => ReconciliationApi.RunAsync(system.Coordinator, "?dryRun=true"),
            r => r.Findings.Any(f => f.Kind == "overdue" && f.Subject.EndsWith(transfer.ToString())),
            TimeSpan.FromSeconds(30), "a dry run reports the transfer overdue");
        Assert.Empty(dry.Actions);
        Assert.Equal("Trying", await StateAsync(system, transfer));

        await system.StartBankAsync();
        // Each run tells the saga its deadline again: the try deadline turns into cancel, and cancels are resent
        // until the bank (now running, never having seen the tries) answers them as null compensations.
        var saga = await Eventually.Until(async () =>
            {
                await ReconciliationApi.RunAsync(system.Coordinator, "");
                return await system.Coordinator.GetFromJsonAsync<JsonElement>($"/api/sagas/{transfer}");
            }, s => s.GetProperty("isTerminal").GetBoolean(), TimeSpan.FromSeconds(60),
            "reconciliation runs bring the transfer to a terminal state");
        Assert.Equal("Cancelled", saga.GetProperty("state").GetString());
    }

    static async Task<string?> StateAsync(BankTransferSystem system, Guid sagaId) =>
        (await system.Coordinator.GetFromJsonAsync<JsonElement>($"/api/sagas/{sagaId}")).GetProperty("state")
        .GetString();
}
