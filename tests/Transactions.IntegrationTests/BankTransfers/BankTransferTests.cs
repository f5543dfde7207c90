using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Transactions.Contracts.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.BankTransfers;

public sealed class BankTransferTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task A_transfer_moves_the_money_and_its_saga_completes()
    {
        await using var system = await BankTransferSystem.StartAsync(services);
        await system.OpenAccountAsync("alice", 100m);
        await system.OpenAccountAsync("bob", 5m);

        var sagaId = await system.StartTransferAsync("alice", "bob", 30.25m);
        var saga = await system.TerminalSagaAsync(sagaId);

        Assert.Equal("Completed", saga.GetProperty("state").GetString());
        Assert.Equal("bank-transfer", saga.GetProperty("workflow").GetString());
        Assert.Equal(["Initial->Trying", "Trying->Confirming", "Confirming->Completed"],
            saga.GetProperty("history").EnumerateArray()
                .Select(h => $"{h.GetProperty("from").GetString()}->{h.GetProperty("to").GetString()}"));
        Assert.Equal(4, saga.GetProperty("steps").GetArrayLength());
        await system.AssertSettledAsync("alice", 69.75m);
        await system.AssertSettledAsync("bob", 35.25m);

        var ledger = await system.Bank.GetFromJsonAsync<JsonElement>("/api/accounts/alice/ledger");
        Assert.Equal(["Opened", "DebitFrozen", "Debited"], ledger.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Insufficient_funds_cancel_the_transfer_with_the_reason_and_leave_balances_unchanged()
    {
        await using var system = await BankTransferSystem.StartAsync(services);
        await system.OpenAccountAsync("carol", 10m);
        await system.OpenAccountAsync("dave", 0m);

        var saga = await system.TerminalSagaAsync(await system.StartTransferAsync("carol", "dave", 10.01m));

        Assert.Equal("Cancelled", saga.GetProperty("state").GetString());
        Assert.Contains("Insufficient funds", saga.GetProperty("outcome").GetString());
        await system.AssertSettledAsync("carol", 10m);
        await system.AssertSettledAsync("dave", 0m);
    }

    [Fact]
    public async Task The_same_transfer_started_twice_over_rest_and_the_bus_moves_the_money_once()
    {
        await using var system = await BankTransferSystem.StartAsync(services);
        await system.OpenAccountAsync("erin", 100m);
        await system.OpenAccountAsync("frank", 0m);
        var transferId = Guid.NewGuid();
        var bus = system.CoordinatorServices.GetRequiredService<IBus>();
        using var starts = new ConsumedCount<StartBankTransfer>(bus);

        Assert.Equal(transferId, await system.StartTransferAsync("erin", "frank", 40m, transferId));
        Assert.Equal(transferId, await system.StartTransferAsync("erin", "frank", 40m, transferId));
        await bus.Publish(new StartBankTransfer(transferId, "erin", "frank", 40m, "EUR"));
        await bus.Publish(new StartBankTransfer(transferId, "erin", "frank", 40m, "EUR"));

        Assert.Equal("Completed", (await system.TerminalSagaAsync(transferId)).GetProperty("state").GetString());
        // The duplicates were consumed too, and ignored.
        await Eventually.Until(() => Task.FromResult(starts.Count), n => n == 4, TimeSpan.FromSeconds(30),
            "all four starts are consumed");
        await system.AssertSettledAsync("erin", 60m);
        await system.AssertSettledAsync("frank", 40m);
    }

    [Fact]
    public async Task A_raw_json_envelope_published_to_the_exchange_starts_a_transfer_as_the_readme_says()
    {
        await using var system = await BankTransferSystem.StartAsync(services);
        await system.OpenAccountAsync("ivan", 20m);
        await system.OpenAccountAsync("judy", 0m);
        var transferId = Guid.CreateVersion7();
        await RawMessages.PublishAsync(services, "Transactions.Contracts.BankTransfers:StartBankTransfer",
            new { transferId, fromAccount = "ivan", toAccount = "judy", amount = 12.34m, currency = "EUR" });

        Assert.Equal("Completed", (await system.TerminalSagaAsync(transferId)).GetProperty("state").GetString());
        await system.AssertSettledAsync("ivan", 7.66m);
        await system.AssertSettledAsync("judy", 12.34m);
    }
}
