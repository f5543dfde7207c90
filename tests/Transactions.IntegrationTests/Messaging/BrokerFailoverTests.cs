using System.Text.Json;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Messaging;

/// <summary>
/// A service given several broker nodes (<c>RabbitMq__Hosts__0</c>, ...) goes on working when the node it uses dies:
/// it reconnects to the next one. The first node here is a proxy in front of the broker; cutting it drops every
/// connection through it and refuses new ones, as a dead node would.
/// </summary>
public sealed class BrokerFailoverTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task When_the_node_in_use_dies_the_service_reconnects_to_the_next_and_goes_on_consuming()
    {
        var broker = services.Servers.Amqp;
        await using var firstNode = new TcpProxy(broker.Host, broker.Port);
        await using var host = await CoordinatorHost.StartAsync(services, new()
        {
            ["RabbitMq:Hosts:0"] = $"127.0.0.1:{firstNode.Port}",
            ["RabbitMq:Hosts:1"] = $"{broker.Host}:{broker.Port}",
            ["BankTransfers:TryTimeout"] = "00:10:00",
        });
        using var api = host.CreateClient();
        await Eventually.Ready(api, "the coordinator");
        var before = await StartTransferAsync(api);

        firstNode.Cut();

        // The bus's connection went through the first node: the cut closed it.
        Assert.True(firstNode.ConnectionsCut > 0, "no connection used the first node, so nothing failed over");
        var after = await StartTransferAsync(api);
        Assert.NotEqual(before, after);
        await Eventually.Ready(api, "the coordinator, on the second node");
    }

    /// <summary>Publishes a transfer's start straight to the broker and waits until the coordinator consumed it.</summary>
    async Task<Guid> StartTransferAsync(HttpClient api)
    {
        var transferId = Guid.CreateVersion7();
        await RawMessages.PublishAsync(services, "Transactions.Contracts.BankTransfers:StartBankTransfer",
            new { transferId, fromAccount = "alice", toAccount = "bob", amount = 10m, currency = "EUR" });
        await SagaApi.UntilAsync(api, transferId, (JsonElement s) => s.GetProperty("state").GetString() == "Trying",
            Timeout, "is started");
        return transferId;
    }
}
