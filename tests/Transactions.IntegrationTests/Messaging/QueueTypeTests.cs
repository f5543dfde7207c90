using System.Net.Http.Json;
using System.Text.Json;
using Transactions.Coordinator.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Messaging;

/// <summary>
/// The queues a service declares are quorum queues (replicated on a cluster): its endpoints' queues and the
/// <c>_error</c> queue MassTransit declares on a first fault. On a virtual host whose default is classic, so that
/// the queues are quorum because the service declares them so.
/// </summary>
public sealed class QueueTypeTests(QueueTypeTests.ClassicByDefault services) : IClassFixture<QueueTypeTests.ClassicByDefault>
{
    public sealed class ClassicByDefault : IsolatedServices
    {
        protected override string DefaultQueueType => "classic";
    }

    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Endpoint_and_error_queues_are_quorum_queues()
    {
        await using var host = await CoordinatorHost.StartAsync(services);
        using var api = host.CreateClient();
        await Eventually.Ready(api, "the coordinator");
        // A message that goes to the error queue at once, which MassTransit then declares.
        await RawMessages.PublishAsync(services, "Transactions.Contracts.BankTransfers:DebitTried",
            new { transferId = Guid.Empty, branchId = Guid.CreateVersion7() });
        var errorQueue = BankTransferRegistration.EndpointName + "_error";
        await Eventually.Until(() => services.QueueDepthAsync(errorQueue), n => n == 1, Timeout,
            "the malformed message is in the error queue");

        var queues = await Eventually.Until(QueuesAsync, q => q.Count > 0, Timeout, "the management API lists the queues");
        Assert.Equal("quorum", queues[BankTransferRegistration.EndpointName].Type);
        Assert.Equal("quorum", queues[errorQueue].Type);
        Assert.All(queues.Values.Where(q => q.Durable), q => Assert.Equal("quorum", q.Type));
    }

    sealed record QueueInfo(string Name, string Type, bool Durable);

    async Task<Dictionary<string, QueueInfo>> QueuesAsync()
    {
        var listed = await services.Management.GetFromJsonAsync<JsonElement>(
            $"api/queues/{Uri.EscapeDataString(services.VirtualHost)}?columns=name,type,durable");
        return listed.EnumerateArray()
            .Select(q => new QueueInfo(q.GetProperty("name").GetString()!, q.GetProperty("type").GetString()!,
                q.GetProperty("durable").GetBoolean()))
            .ToDictionary(q => q.Name);
    }
}
