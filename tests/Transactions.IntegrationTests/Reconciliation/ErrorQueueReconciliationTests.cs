using System.Net;
using System.Net.Http.Json;
using RabbitMQ.Client;
using Transactions.Coordinator.Reconciliation;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Reconciliation;

public sealed class ErrorQueueReconciliationTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const string Queue = "reconciliation-probe";

    [Fact]
    public async Task An_error_queue_is_reported_and_moved_back_only_when_asked_and_never_in_a_dry_run()
    {
        await using var host = CoordinatorHost.Create(services, await services.CreateDatabaseAsync("coordinator"),
            new Dictionary<string, string?> { ["Reconciliation:ScheduleEnabled"] = "false" });
        using var client = host.CreateClient();
        await using var connection = await services.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(Queue + "_error", durable: true, exclusive: false, autoDelete: false);
        for (var i = 0; i < 3; i++)
            await channel.BasicPublishAsync("", Queue + "_error", new byte[] { (byte)i });

        var dry = await ReconciliationApi.RunAsync(client, "?dryRun=true&requeueErrorQueues=true");
        var finding = Assert.Single(dry.Findings, f => f.Subject == Queue + "_error");
        Assert.Contains("3 message(s)", finding.Detail);
        Assert.Empty(dry.Actions);
        Assert.Equal(3u, await channel.MessageCountAsync(Queue + "_error"));

        var reportOnly = await ReconciliationApi.RunAsync(client, "");
        Assert.Single(reportOnly.Findings, f => f.Subject == Queue + "_error");
        Assert.Empty(reportOnly.Actions);
        Assert.Equal(3u, await channel.MessageCountAsync(Queue + "_error"));

        var repair = await ReconciliationApi.RunAsync(client, "?requeueErrorQueues=true");
        Assert.Contains(repair.Actions, a => a.Subject == Queue + "_error" && a.Action.Contains("moved 3"));
        Assert.Equal(0u, await channel.MessageCountAsync(Queue + "_error"));
        Assert.Equal(3u, await channel.MessageCountAsync(Queue));

        var stored = await client.GetFromJsonAsync<ReconciliationRun>($"/api/reconciliation/runs/{repair.Id}");
        Assert.Equal(RunStatus.Completed, stored!.Status);
        Assert.Equal(repair.Actions.Count, stored.Actions.Count);
        var listed = await client.GetFromJsonAsync<List<ReconciliationRun>>("/api/reconciliation/runs");
        Assert.Equal([repair.Id, reportOnly.Id, dry.Id], listed!.Take(3).Select(r => r.Id));
    }

    /// <summary>
    /// A cluster whose first node is away (nothing listens on 127.0.0.2): the queues are listed through the next
    /// node's management API, and the check still reports and moves them.
    /// </summary>
    [Fact]
    public async Task With_the_first_cluster_node_away_the_error_queues_are_read_through_the_next_node()
    {
        const string queue = "reconciliation-node-probe";
        var broker = services.Servers.Amqp;
        await using var host = CoordinatorHost.Create(services, await services.CreateDatabaseAsync("error_nodes"),
            new Dictionary<string, string?>
            {
                ["Reconciliation:ScheduleEnabled"] = "false",
                ["RabbitMq:Hosts:0"] = $"127.0.0.2:{broker.Port}",
                ["RabbitMq:Hosts:1"] = $"{broker.Host}:{broker.Port}",
            });
        using var client = host.CreateClient();
        await using var connection = await services.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await ErrorQueueMessages.PutAsync(channel, queue, DateTime.UtcNow.AddMinutes(-1));

        var repair = await ReconciliationApi.RunAsync(client, "?requeueErrorQueues=true");
        Assert.Single(repair.Findings, f => f.Subject == queue + "_error");
        Assert.Contains(repair.Actions, a => a.Subject == queue + "_error" && a.Action.Contains("moved 1"));
        Assert.Equal((1u, 0u), (await channel.MessageCountAsync(queue), await channel.MessageCountAsync(queue + "_error")));
    }

    [Fact]
    public async Task An_error_message_older_than_the_inbox_retention_stays_unless_the_run_is_forced()
    {
        const string queue = "reconciliation-age-probe";
        await using var host = CoordinatorHost.Create(services, await services.CreateDatabaseAsync("error_age"),
            new Dictionary<string, string?> { ["Reconciliation:ScheduleEnabled"] = "false" });
        using var client = host.CreateClient();
        await using var connection = await services.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        // The inbox retention is 7 days by default.
        await ErrorQueueMessages.PutAsync(channel, queue, DateTime.UtcNow.AddDays(-8));
        await ErrorQueueMessages.PutAsync(channel, queue, DateTime.UtcNow.AddMinutes(-1));

        var repair = await ReconciliationApi.RunAsync(client, "?requeueErrorQueues=true");
        Assert.Contains(repair.Actions, a => a.Subject == queue + "_error" && a.Action.Contains("moved 1") && a.Result == "ok");
        var refusal = Assert.Single(repair.Actions, a => a.Subject == queue + "_error" && a.Result == "refused");
        Assert.Contains("kept 1 message(s)", refusal.Action);
        Assert.Contains("inbox retention (7.00:00:00)", refusal.Action);
        Assert.Contains("force=true", refusal.Action);
        Assert.Equal((1u, 1u), (await channel.MessageCountAsync(queue), await channel.MessageCountAsync(queue + "_error")));

        var forced = await ReconciliationApi.RunAsync(client, "?requeueErrorQueues=true&force=true");
        Assert.Contains(forced.Actions, a => a.Subject == queue + "_error" && a.Action.Contains("moved 1"));
        Assert.DoesNotContain(forced.Actions, a => a.Result == "refused");
        Assert.Equal((2u, 0u), (await channel.MessageCountAsync(queue), await channel.MessageCountAsync(queue + "_error")));
    }

    [Fact]
    public async Task An_unknown_run_is_a_404_problem()
    {
        await using var host = CoordinatorHost.Create(services, await services.CreateDatabaseAsync("unknown"),
            new Dictionary<string, string?> { ["Reconciliation:ScheduleEnabled"] = "false" });
        using var client = host.CreateClient();
        using var response = await client.GetAsync($"/api/reconciliation/runs/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
