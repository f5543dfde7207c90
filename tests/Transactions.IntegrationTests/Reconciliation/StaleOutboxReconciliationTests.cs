using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RabbitMQ.Client;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Reconciliation;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Reconciliation;

public sealed class StaleOutboxReconciliationTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    const string Queue = "reconciliation-outbox-probe";

    [Fact]
    public async Task A_stale_outbox_row_the_delivery_service_missed_is_delivered_by_a_run_and_not_by_a_dry_run()
    {
        var database = await services.CreateDatabaseAsync("coordinator");
        // The delivery service is stopped in this coordinator: the row below stays undelivered until reconciliation
        // acts, as with a delivery service that died or stalled.
        await using var host = WithoutDelivery(database);
        using var client = host.CreateClient();
        await using var connection = await services.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await PlantStaleRowAsync(database, TimeSpan.FromMinutes(5));
        var backlog = await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox");
        Assert.Equal(1L, backlog!.Count);
        Assert.True(backlog.OldestAgeSeconds >= 300, $"age {backlog.OldestAgeSeconds}");

        var dry = await ReconciliationApi.RunAsync(client, "?dryRun=true");
        var finding = Assert.Single(dry.Findings, f => f.Kind == "stale-outbox");
        Assert.True(finding.AgeSeconds >= 300, $"age {finding.AgeSeconds}");
        Assert.Empty(dry.Actions);
        Assert.Equal(1L, await OutboxRowsAsync(host));
        Assert.Equal(0u, await channel.MessageCountAsync(Queue));

        var repair = await ReconciliationApi.RunAsync(client, "");
        Assert.Contains(repair.Actions, a => a.Check == "outbox" && a.Action == "delivered 1 message(s)");
        Assert.Equal(0L, await OutboxRowsAsync(host));
        Assert.Equal(new OutboxBacklogView(0, null, null, 0), await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox"));
        await Eventually.Until(async () => await channel.MessageCountAsync(Queue) == 1, TimeSpan.FromSeconds(10),
            "the planted message reaches its queue");

        var after = await ReconciliationApi.RunAsync(client, "");
        Assert.DoesNotContain(after.Findings, f => f.Kind == "stale-outbox");
    }

    [Fact]
    public async Task A_dead_letter_is_reported_listed_and_put_back_into_delivery_by_an_operator()
    {
        var database = await services.CreateDatabaseAsync("coordinator_dead_letter");
        await using var host = WithoutDelivery(database);
        using var client = host.CreateClient();
        await PlantStaleRowAsync(database, TimeSpan.Zero);
        Assert.Equal(1, await DeadLetterAllAsync(database));

        var backlog = await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox");
        Assert.Equal((0L, 1L), (backlog!.Count, backlog.DeadLettered));
        var dead = Assert.Single((await client.GetFromJsonAsync<OutboxDeadLetterView[]>("/api/outbox/dead-letters"))!);
        Assert.Equal((10, "refused by the broker", $"queue:{Queue}"), (dead.DeliveryAttempts, dead.Error, dead.DestinationAddress.ToString()));
        var badLimit = await client.GetAsync("/api/outbox/dead-letters?limit=0");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("\"limit\"", await badLimit.Content.ReadAsStringAsync());
        var report = await ReconciliationApi.RunAsync(client, "?dryRun=true");
        Assert.Contains(report.Findings, f => f.Check == "outbox" && f.Kind == "outbox-dead-letters");

        var unknown = await client.PostAsync($"/api/outbox/dead-letters/{dead.SequenceNumber + 1000}/requeue", null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        var requeued = await client.PostAsync($"/api/outbox/dead-letters/{dead.SequenceNumber}/requeue", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, requeued.StatusCode);
        Assert.Equal(dead.MessageId, (await requeued.Content.ReadFromJsonAsync<OutboxEndpoints.RequeuedView>())!.MessageId);
        var again = await client.PostAsync($"/api/outbox/dead-letters/{dead.SequenceNumber}/requeue", null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, again.StatusCode);

        backlog = await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox");
        Assert.Equal((1L, 0L), (backlog!.Count, backlog.DeadLettered));
        Assert.Equal(1L, await OutboxRowsAsync(host));
    }

    [Fact]
    public async Task A_dead_letter_older_than_the_inbox_retention_is_requeued_only_when_forced()
    {
        var database = await services.CreateDatabaseAsync("coordinator_old_dead_letter");
        await using var host = WithoutDelivery(database);
        using var client = host.CreateClient();
        // The inbox retention is 7 days by default: one dead letter sent 8 days ago, one sent a minute ago.
        await PlantStaleRowAsync(database, TimeSpan.FromDays(8));
        await PlantStaleRowAsync(database, TimeSpan.FromMinutes(1));
        Assert.Equal(2, await DeadLetterAllAsync(database));
        var deadLetters = (await client.GetFromJsonAsync<OutboxDeadLetterView[]>("/api/outbox/dead-letters"))!;
        var old = deadLetters.MinBy(d => d.SentAt)!;
        var young = deadLetters.MaxBy(d => d.SentAt)!;

        using var refused = await client.PostAsync($"/api/outbox/dead-letters/{old.SequenceNumber}/requeue", null);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("force", problem.GetProperty("field").GetString());
        Assert.Contains("inbox retention (7.00:00:00)", problem.GetProperty("detail").GetString());
        Assert.Contains("force=true", problem.GetProperty("detail").GetString());
        Assert.Equal((0L, 2L), await BacklogAsync(client));

        using var youngRequeued = await client.PostAsync($"/api/outbox/dead-letters/{young.SequenceNumber}/requeue", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, youngRequeued.StatusCode);
        using var forced = await client.PostAsync($"/api/outbox/dead-letters/{old.SequenceNumber}/requeue?force=true", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, forced.StatusCode);
        Assert.Equal(old.MessageId, (await forced.Content.ReadFromJsonAsync<OutboxEndpoints.RequeuedView>())!.MessageId);
        Assert.Equal((2L, 0L), await BacklogAsync(client));
    }

    static async Task<(long Count, long DeadLettered)> BacklogAsync(HttpClient client)
    {
        var backlog = (await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox"))!;
        return (backlog.Count, backlog.DeadLettered);
    }

    /// <summary>What the delivery service does after the last failed attempt, here by hand: rows move to the dead letters.</summary>
    static async Task<int> DeadLetterAllAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var move = new NpgsqlCommand(
            "WITH moved AS (DELETE FROM outbox_message RETURNING *) INSERT INTO outbox_dead_letter (sequence_number, " +
            "partition_key, message_id, destination_address, sent_time, content_type, message_type, body, " +
            "delivery_attempts, error, dead_lettered_at) SELECT sequence_number, partition_key, message_id, " +
            "destination_address, sent_time, content_type, message_type, body, 10, 'refused by the broker', now() " +
            "FROM moved", connection);
        return await move.ExecuteNonQueryAsync();
    }

    /// <summary>A coordinator with neither its delivery service nor scheduled runs: only the test's requests act.</summary>
    ServiceHost<Coordinator.CoordinatorAssembly> WithoutDelivery(string database) =>
        CoordinatorHost.Create(services, database, new Dictionary<string, string?>
        {
            ["Reconciliation:ScheduleEnabled"] = "false",
            ["Reconciliation:StaleOutboxAfter"] = "00:00:30",
            ["Outbox:DeliveryEnabled"] = "false",
        });

    static async Task PlantStaleRowAsync(string connectionString, TimeSpan age)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO outbox_message (partition_key, message_id, destination_address, sent_time, content_type, " +
            "message_type, body) VALUES (@key, @id, @destination, @sent, 'application/vnd.masstransit+json', " +
            "'urn:message:Probe', @body)", connection);
        var messageId = Guid.NewGuid();
        insert.Parameters.AddWithValue("key", Guid.NewGuid());
        insert.Parameters.AddWithValue("id", messageId);
        // A MassTransit JSON envelope, as the outbox stores what consumers and the bus outbox send.
        insert.Parameters.AddWithValue("body", $$$"""
            {"messageId":"{{{messageId}}}","destinationAddress":"queue:{{{Queue}}}","messageType":["urn:message:Probe"],
             "message":{"probe":true},"sentTime":"{{{DateTime.UtcNow - age:O}}}","headers":{}}
            """);
        insert.Parameters.AddWithValue("destination", $"queue:{Queue}");
        insert.Parameters.AddWithValue("sent", DateTime.UtcNow - age);
        await insert.ExecuteNonQueryAsync();
    }

    static async Task<long> OutboxRowsAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Coordinator.CoordinatorAssembly> host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinatorDbContext>();
        return await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM outbox_message").SingleAsync();
    }
}
