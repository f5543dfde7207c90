using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Transactions.Coordinator.BankTransfers;
using Transactions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>
/// A coordinator and a participant host, each a process of its own, on a RabbitMQ cluster of three nodes of the
/// class's own (<c>scripts/services.sh start --cluster 3</c>), given every node. A third of the way through 150
/// transfers, the node that holds the leader of the saga's quorum queue, <c>bank-transfer-state</c>, is stopped with
/// <c>rabbitmqctl stop_app</c>; it is the node the services joined first, so their connections go with it.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class BrokerNodeLossTests(ClusterServices cluster, ITestOutputHelper output)
    : IClassFixture<ClusterServices>
{
    const int Transfers = 150;
    const string SagaQueue = "bank-transfer-state";
    static readonly TimeSpan LongestOutage = TimeSpan.FromSeconds(10);

    /// <summary>The node stopped, started again at the end.</summary>
    int? _stopped;

    static readonly Dictionary<string, string?> CoordinatorSettings = new()
    {
        // Confirms and Cancels resent at most 10 s apart (not 60), so a phase slowed by the failover does not hold
        // the end for a minute.
        ["BankTransfers:RetryMaxDelay"] = "00:00:10",
    };

    [Fact]
    public async Task Stopping_the_node_that_leads_the_saga_queue_mid_run_ends_every_transfer_as_its_saga_says()
    {
        output.WriteLine($"{ClusterServices.Nodes}-node cluster started by the script in " +
                         $"{cluster.StartTook.TotalSeconds:0.0} s");
        await using var instances = await ServiceInstances.StartAsync(cluster, 1, 1, CoordinatorSettings,
            new Dictionary<string, string?>());
        var workload = Workload.Plan(Transfers, bookingCount: 0, seed: 27);
        await workload.SetUpAsync(instances.Participants(0).Client);
        var coordinator = instances.Coordinator(0).Client;
        var participants = instances.Participants(0).Client;
        await using var watch = ApiWatch.Start(
            ("coordinator GET /api/sagas/{id}", coordinator, $"/api/sagas/{workload.Transfers[0].TransferId}"),
            ("coordinator GET /api/sagas/counts", coordinator, "/api/sagas/counts"),
            ("participants GET /api/accounts/{id}", participants, $"/api/accounts/{Workload.Accounts[0]}"));

        var poster = new StartPoster(instances, 1, () => CoordinatorDatabase.EndedAsync(instances.CoordinatorDatabase),
            maxInFlight: 50);
        var stopped = new TaskCompletionSource();
        var clock = Stopwatch.StartNew();
        var posting = poster.PostAllAsync(workload.Orders, parallel: 4, gateAt: 2 * Transfers / 3, stopped.Task);
        try
        {
            try
            {
                await Eventually.Until(() => Task.FromResult(poster.Accepted >= Transfers / 3 || posting.IsCompleted),
                    TimeSpan.FromSeconds(120), "a third of the transfers are accepted");
                await StopLeaderAsync(poster.Accepted, clock, posting);
            }
            finally
            {
                stopped.TrySetResult();
            }
            await posting;
            await Eventually.Until(() => CoordinatorDatabase.EndedAsync(instances.CoordinatorDatabase),
                n => n == Transfers, TimeSpan.FromSeconds(180), "every transfer ends on the two nodes left");
            output.WriteLine($"every transfer ended {clock.Elapsed.TotalSeconds:0.0} s after the first start; " +
                             $"{poster.Repeated} start(s) posted again");
        }
        finally
        {
            if (_stopped is { } node)
                await cluster.CtlAsync(node, "start_app");
        }
        await watch.DisposeAsync();
        output.WriteLine($"REST answers watched: {watch.Asked}; longest run of 5xx or no answer: " +
                         string.Join(", ", watch.Longest.Select(l => $"{l.Key} {l.Value.TotalSeconds:0.0} s")));
        Assert.All(watch.Longest, l => Assert.True(l.Value < LongestOutage,
            $"{l.Key} answered 5xx or nothing for {l.Value.TotalSeconds:0.0} s in a row"));

        await using var db = CoordinatorDatabase.Open(instances.CoordinatorDatabase);
        var transfers = await db.Set<BankTransferState>().AsNoTracking().ToListAsync();
        await TransferChecks.AssertAsync(workload.Transfers, transfers, instances.BankDatabase, output);
        Assert.All(transfers, TransferChecks.AssertHistoryIsOneChain);
    }

    /// <summary>
    /// Stops the node leading the saga queue, after proving the services are connected to it, and waits until the
    /// queue has a leader on another node. Posting that ended before (it is gated until the stop, so it failed) fails
    /// the test with its own exception.
    /// </summary>
    async Task StopLeaderAsync(int accepted, Stopwatch clock, Task posting)
    {
        await ThrowIfEndedAsync(posting, "before a third of the transfers were accepted");
        var leader = await cluster.LeaderAsync(SagaQueue, askNode: 1)
                     ?? throw new InvalidOperationException($"{SagaQueue} has no leader");
        var other = leader % ClusterServices.Nodes + 1;
        // The management API lists a connection only once the node's metrics collector has taken it in (every
        // collect_statistics_interval, 5 s by default): connections a few seconds old may not be listed yet.
        var listing = Stopwatch.StartNew();
        int connections;
        try
        {
            connections = await Eventually.Until(() => cluster.BusConnectionsOnAsync(leader, askNode: other),
                n => n > 0 || posting.IsCompleted, TimeSpan.FromSeconds(30),
                $"node {other} lists a bus connection of the services on node {leader}, the leader of {SagaQueue}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}. Connections listed, by node: " +
                                       await cluster.DescribeConnectionsAsync(askNode: other), e);
        }
        await ThrowIfEndedAsync(posting, "while waiting for the services' connections on the leader");
        output.WriteLine($"{connections} bus connection(s) of the services listed on node {leader} after " +
                         $"{listing.Elapsed.TotalSeconds:0.0} s at {clock.Elapsed.TotalSeconds:0.0} s");

        output.WriteLine("nodes' resident memory under load: " +
                         string.Join(", ", cluster.ResidentMegabytes().Select(mb => $"{mb:0} MB")));
        var stopping = Stopwatch.StartNew();
        _stopped = leader;
        await cluster.CtlAsync(leader, "stop_app");
        var moved = await Eventually.Until(() => cluster.LeaderAsync(SagaQueue, askNode: other),
            node => node is not null && node != leader, TimeSpan.FromSeconds(60), $"{SagaQueue} has a new leader");
        output.WriteLine($"stopped node {leader} (leader of {SagaQueue}, {connections} bus connection(s) on " +
                         $"it) at {clock.Elapsed.TotalSeconds:0.0} s, {accepted} of {Transfers} transfers accepted; node " +
                         $"{moved} leads it {stopping.Elapsed.TotalSeconds:0.0} s later");
        Assert.Equal(0, await cluster.BusConnectionsOnAsync(leader, askNode: other));
    }

    static async Task ThrowIfEndedAsync(Task posting, string when)
    {
        if (!posting.IsCompleted)
            return;
        await posting; // throws what posting failed with
        throw new InvalidOperationException($"Posting ended {when}, though later starts wait for the node to stop.");
    }
}
