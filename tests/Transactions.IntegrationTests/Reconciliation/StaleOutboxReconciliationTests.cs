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
        await using var host = CoordinatorHost.Create(services, database, new Dictionary<string, string?>
        {
            ["Reconciliation:ScheduleEnabled"] = "false",
            ["Reconciliation:StaleOutboxAfter"] = "00:00:30",
            ["Outbox:DeliveryEnabled"] = "false",
        });
        using var client = host.CreateClient();
        await using var connection = await Connect();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await PlantStaleRowAsync(database, TimeSpan.FromMinutes(5));
        var backlog = await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox");
        Assert.Equal(1L, backlog!.Count);
        Assert.True(backlog.OldestAgeSeconds >= 300, $"age {backlog.OldestAgeSeconds}");

        var dry = await Run(client, "?dryRun=true");
        var finding = Assert.Single(dry.Findings, f => f.Kind == "stale-outbox");
        Assert.True(finding.AgeSeconds >= 300, $"age {finding.AgeSeconds}");
        Assert.Empty(dry.Actions);
        Assert.Equal(1L, await OutboxRowsAsync(host));
        Assert.Equal(0u, await channel.MessageCountAsync(Queue));

        var repair = await Run(client, "");
        Assert.Contains(repair.Actions, a => a.Check == "outbox" && a.Action == "delivered 1 message(s)");
        Assert.Equal(0L, await OutboxRowsAsync(host));
        Assert.Equal(new OutboxBacklogView(0, null, null), await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox"));
        await Eventually.Until(async () => await channel.MessageCountAsync(Queue) == 1, TimeSpan.FromSeconds(10),
            "the planted message reaches its queue");

        var after = await Run(client, "");
        Assert.DoesNotContain(after.Findings, f => f.Kind == "stale-outbox");
    }

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

    static async Task<ReconciliationRun> Run(HttpClient client, string query)
    {
        using var response = await client.PostAsync("/api/reconciliation/runs" + query, null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ReconciliationRun>())!;
    }

    Task<IConnection> Connect() => new ConnectionFactory
    {
        HostName = services.Servers.Amqp.Host, Port = services.Servers.Amqp.Port, VirtualHost = services.VirtualHost,
        UserName = services.Servers.RabbitUser, Password = services.Servers.RabbitPassword,
    }.CreateConnectionAsync();
}
