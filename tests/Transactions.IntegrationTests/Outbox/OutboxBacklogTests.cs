using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Transactions.Coordinator.Persistence;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.Outbox.Delivery;

namespace Transactions.IntegrationTests.Outbox;

/// <summary>GET /api/outbox and the outbox gauges read a bounded number of rows, however many wait.</summary>
public sealed class OutboxBacklogTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task The_backlog_is_counted_up_to_a_bound_and_estimated_beyond_it_through_the_primary_key()
    {
        await using var host = await CoordinatorHost.StartAsync(services);
        using var client = host.CreateClient();
        await Eventually.Ready(client, "the coordinator");
        var database = host.Services.GetRequiredService<IConfiguration>().GetConnectionString("Coordinator")!;

        // Dead letters stay where they are (delivery leaves them alone), so their count is what was seeded.
        await AddDeadLettersAsync(database, 3);
        var few = await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox");
        Assert.Equal(3, few!.DeadLettered);
        Assert.False(few.Estimated);

        await AddDeadLettersAsync(database, 3 * OutboxBacklog<CoordinatorDbContext>.CountedRows);
        var many = await client.GetFromJsonAsync<OutboxBacklogView>("/api/outbox");
        Assert.True(many!.Estimated);
        Assert.InRange(many.DeadLettered, OutboxBacklog<CoordinatorDbContext>.CountedRows + 1, 40_000);

        // The message count is the same statement on the other table, which delivery keeps near empty here.
        var plan = await QueryPlan.ExplainAsync(database, OutboxBacklog<CoordinatorDbContext>.CountDeadLetters.Replace("{0}",
            (OutboxBacklog<CoordinatorDbContext>.CountedRows + 1).ToString()));
        Assert.Contains("Limit", plan);
        Assert.Contains("pk_outbox_dead_letter", plan);
        Assert.DoesNotContain("Seq Scan", plan);
    }

    /// <summary>Adds dead letters with fresh planner statistics, as autovacuum would keep them.</summary>
    static async Task AddDeadLettersAsync(string database, int count)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO outbox_dead_letter (sequence_number, error, dead_lettered_at, partition_key, message_id,
                destination_address, sent_time, content_type, message_type, body, delivery_attempts)
            SELECT coalesce((SELECT max(sequence_number) FROM outbox_dead_letter), 0) + i, 'refused', now(),
                gen_random_uuid(), gen_random_uuid(), 'rabbitmq://localhost/nowhere', now(), 'application/json',
                'urn:message:Nowhere', '{}', 10
            FROM generate_series(1, @count) AS i;
            ANALYZE outbox_dead_letter; ANALYZE outbox_message;
            """, connection);
        insert.Parameters.AddWithValue("count", count);
        await insert.ExecuteNonQueryAsync();
    }
}
