using System.Collections.Concurrent;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.BankTransfers;

public sealed class ConcurrentTransferTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const int Accounts = 10;
    const int Transfers = 200;
    const decimal OpeningBalance = 500m;

    [Fact]
    public async Task Two_hundred_concurrent_transfers_among_ten_accounts_conserve_money_and_each_settles_as_its_saga_says()
    {
        await using var system = await BankTransferSystem.StartAsync(services);
        var accounts = Enumerable.Range(0, Accounts).Select(i => $"acc-{i}").ToList();
        foreach (var account in accounts)
            await system.OpenAccountAsync(account, OpeningBalance);

        var random = new Random(42);
        var plans = Enumerable.Range(0, Transfers).Select(_ =>
        {
            var from = random.Next(Accounts);
            var to = (from + 1 + random.Next(Accounts - 1)) % Accounts;
            // Large enough that some debits meet an account already drained by others and are refused.
            return (From: accounts[from], To: accounts[to], Amount: random.Next(1, 30_000) / 100m);
        }).ToList();

        var sagas = new ConcurrentBag<(Guid SagaId, (string From, string To, decimal Amount) Plan)>();
        await Parallel.ForEachAsync(plans, new ParallelOptions { MaxDegreeOfParallelism = 25 }, async (plan, _) =>
            sagas.Add((await system.StartTransferAsync(plan.From, plan.To, plan.Amount), plan)));

        var outcomes = new List<TransferOutcome>();
        foreach (var (sagaId, plan) in sagas)
            outcomes.Add(new TransferOutcome(sagaId, plan.From, plan.To, plan.Amount,
                (await system.TerminalSagaAsync(sagaId, TimeSpan.FromSeconds(50))).GetProperty("state").GetString()!));
        var states = outcomes.Select(o => o.State).ToList();

        decimal total = 0;
        foreach (var account in accounts)
        {
            var a = await system.AccountAsync(account);
            var available = a.GetProperty("available").GetDecimal();
            Assert.True(available >= 0, $"{account} went negative: {available}");
            Assert.Equal((0m, 0m), (a.GetProperty("frozen").GetDecimal(), a.GetProperty("pendingCredit").GetDecimal()));
            total += available;
        }
        Assert.Equal(Accounts * OpeningBalance, total);
        Assert.Equal(Transfers, states.Count);
        await TransferLedger.AssertEachTransferMatchesItsOutcomeAsync(system.BankConnectionString, outcomes,
            accounts.ToDictionary(a => a, _ => OpeningBalance));
        // Both outcomes happened, so conservation was checked across confirms and cancels alike.
        Assert.Contains("Completed", states);
        Assert.Contains("Cancelled", states);
    }
}
