using System.Text.Json;
using Transactions.Coordinator.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.BankTransfers;

/// <summary>
/// A message to the transfer saga that can never be handled (no transfer id, a branch id that is not a version 7
/// UUID, a refusal without its reason) goes to <c>bank-transfer-state_error</c> on its first attempt, its reason
/// naming the message and the field, and changes no transfer; well-formed messages beside it are handled.
/// </summary>
public sealed class InvalidTransferMessageTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const string Contracts = "Transactions.Contracts.BankTransfers:";
    const string ErrorQueue = BankTransferRegistration.EndpointName + "_error";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Malformed_messages_go_to_the_error_queue_at_once_naming_the_field_and_well_formed_ones_are_handled()
    {
        // No bank: the transfer waits in Trying on the answers this test publishes itself.
        await using var host = await CoordinatorHost.StartAsync(services,
            new() { ["BankTransfers:TryTimeout"] = "00:10:00" });
        using var api = host.CreateClient();
        await Eventually.Ready(api, "the coordinator");
        var transferId = Guid.CreateVersion7();
        await PublishAsync("StartBankTransfer",
            new { transferId, fromAccount = "alice", toAccount = "bob", amount = 10m, currency = "EUR" });
        await SagaApi.UntilAsync(api, transferId, s => s.GetProperty("state").GetString() == "Trying", Timeout,
            "is trying");

        var expected = new List<(Guid MessageId, string Fault)>
        {
            (await PublishAsync("StartBankTransfer", new
            {
                transferId = Guid.Empty, fromAccount = "alice", toAccount = "bob", amount = 10m, currency = "EUR",
            }), "StartBankTransfer is invalid: transferId is missing."),
            (await PublishAsync("DebitConfirmed", new { transferId = Guid.Empty, branchId = Guid.CreateVersion7() }),
                "DebitConfirmed is invalid: transferId is missing."),
            (await PublishAsync("DebitTried", new { transferId, branchId = Guid.NewGuid() }),
                "DebitTried is invalid: branchId must be a version 7 UUID, not version 4."),
            (await PublishAsync("CreditCancelled", new { transferId }),
                "CreditCancelled is invalid: branchId is missing."),
            (await PublishAsync("DebitRefused", new { transferId, branchId = Guid.CreateVersion7() }),
                "DebitRefused is invalid: reason is missing."),
        };
        await PublishAsync("CreditTried", new { transferId, branchId = Guid.CreateVersion7() });

        var faults = await ErrorQueueMessages.UntilHoldingAsync(services, ErrorQueue, expected.Count, Timeout);
        // Retries 0: each failed on its one and only attempt.
        Assert.Equal(expected.Select(e => new Fault(e.Fault, 0)), expected.Select(e => faults.GetValueOrDefault(e.MessageId)));
        // The well-formed answer counted; the malformed ones did not (a debit tried would have moved it on to
        // Confirming, a refusal to Cancelling).
        var saga = await SagaApi.UntilAsync(api, transferId, s => StepStatus(s, "credit") == "Succeeded", Timeout,
            "has its credit tried");
        Assert.Equal(("Trying", "Pending"), (saga.GetProperty("state").GetString(), StepStatus(saga, "debit")));
    }

    [Fact]
    public async Task A_start_that_breaks_the_transfer_rules_is_cancelled_naming_them_rather_than_sent_to_the_error_queue()
    {
        await using var host = await CoordinatorHost.StartAsync(services);
        using var api = host.CreateClient();
        await Eventually.Ready(api, "the coordinator");
        var transferId = Guid.CreateVersion7();

        // None of these fits its column: the saga must not try to store them.
        await PublishAsync("StartBankTransfer", new { transferId, toAccount = "bob", amount = 0m, currency = "euro" });

        // Cancelled, not in the error queue: a start there would never have made a saga.
        var saga = await SagaApi.UntilAsync(api, transferId, s => s.GetProperty("isTerminal").GetBoolean(), Timeout,
            "is terminal");
        Assert.Equal("Cancelled", saga.GetProperty("state").GetString());
        var outcome = saga.GetProperty("outcome").GetString()!;
        Assert.All(["fromAccount", "amount", "currency"], field => Assert.Contains(field, outcome));
    }

    Task<Guid> PublishAsync(string messageType, object message) =>
        RawMessages.PublishAsync(services, Contracts + messageType, message);

    static string? StepStatus(JsonElement saga, string branch) =>
        saga.GetProperty("steps").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == branch && s.GetProperty("phase").GetString() == "try")
            .GetProperty("status").GetString();
}
