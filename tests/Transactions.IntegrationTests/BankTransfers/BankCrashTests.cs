using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.BankTransfers;

public sealed class BankCrashTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    // Enough that the bank cannot try them all before the first hold is seen and the kill lands.
    const int Transfers = 80;
    const decimal OpeningBalance = 1_000m;
    static readonly string[] Accounts = ["k-0", "k-1", "k-2", "k-3", "k-4"];

    [Fact]
    public async Task The_bank_killed_during_try_and_restarted_leaves_every_transfer_terminal_and_settled_as_its_saga_says()
    {
        await using var system = await BankTransferSystem.StartAsync(services, startBank: false);
        var bank = await RunningService.StartAsync(ServiceProcess.Participants, system.BankSettings);
        try
        {
            foreach (var account in Accounts)
            {
                using var opened = await bank.Client.PostAsJsonAsync("/api/accounts",
                    new { accountId = account, currency = "EUR", initialBalance = OpeningBalance });
                opened.EnsureSuccessStatusCode();
            }

            var random = new Random(7);
            var plans = Enumerable.Range(0, Transfers).Select(i => (From: Accounts[i % Accounts.Length],
                To: Accounts[(i + 1 + random.Next(Accounts.Length - 1)) % Accounts.Length],
                Amount: random.Next(1, 50_000) / 100m)).ToList();
            var starting = plans.Select(p => system.StartTransferAsync(p.From, p.To, p.Amount)).ToList();

            // Kill the bank as soon as it has tried something, while other Trys are still queued or in flight.
            await Eventually.Until(async () => await CountAsync(system.BankConnectionString, "SELECT count(*) FROM holds") > 0,
                TimeSpan.FromSeconds(90), "the bank tried a first branch");
            await bank.KillAsync();
            Assert.True(bank.HasExited);
            var sagas = await Task.WhenAll(starting);
            var triedBeforeKill = await CountAsync(system.BankConnectionString, "SELECT count(*) FROM holds");
            Assert.True(triedBeforeKill < 2 * Transfers, $"all {triedBeforeKill} branches were tried before the kill");

            await bank.DisposeAsync();
            bank = await RunningService.StartAsync(ServiceProcess.Participants, system.BankSettings);

            var outcomes = new List<TransferOutcome>();
            foreach (var (sagaId, plan) in sagas.Zip(plans))
                outcomes.Add(new TransferOutcome(sagaId, plan.From, plan.To, plan.Amount,
                    (await system.TerminalSagaAsync(sagaId, TimeSpan.FromSeconds(50))).GetProperty("state").GetString()!));
            decimal total = 0;
            foreach (var account in Accounts)
            {
                var a = await bank.Client.GetFromJsonAsync<JsonElement>($"/api/accounts/{account}");
                Assert.Equal((0m, 0m), (a.GetProperty("frozen").GetDecimal(), a.GetProperty("pendingCredit").GetDecimal()));
                Assert.True(a.GetProperty("available").GetDecimal() >= 0);
                total += a.GetProperty("available").GetDecimal();
            }
            Assert.Equal(Accounts.Length * OpeningBalance, total);
            await TransferLedger.AssertEachTransferMatchesItsOutcomeAsync(system.BankConnectionString, outcomes,
                Accounts.ToDictionary(a => a, _ => OpeningBalance));
        }
        finally
        {
            await bank.DisposeAsync();
        }
    }

    static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
