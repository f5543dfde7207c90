using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Transactions.Coordinator.Sagas;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Sagas;

/// <summary>GET /api/sagas/counts costs the same with a workflow of many sagas: it estimates rather than scans.</summary>
public sealed class SagaCountsTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task Counts_of_a_workflow_with_many_sagas_are_estimates_and_say_so()
    {
        await using var host = await CoordinatorHost.StartAsync(services);
        using var client = host.CreateClient();
        await Eventually.Ready(client, "the coordinator");
        var database = host.Services.GetRequiredService<IConfiguration>().GetConnectionString("Coordinator")!;

        const int sagas = 3 * WorkflowSagaQueries.CountedSagas;
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // Finished transfers, nine in ten completed, with fresh planner statistics.
            await using var seed = new NpgsqlCommand("""
                INSERT INTO bank_transfers (correlation_id, from_account, to_account, amount, currency, debit_branch_id,
                    credit_branch_id, current_state, version, created_at, updated_at, steps, history)
                SELECT gen_random_uuid(), 'alice', 'bob', 1, 'EUR', gen_random_uuid(), gen_random_uuid(),
                    CASE WHEN i % 10 = 0 THEN 'Cancelled' ELSE 'Completed' END, 1, now(), now(), '[]', '[]'
                FROM generate_series(1, @count) AS i;
                ANALYZE bank_transfers;
                """, connection);
            seed.Parameters.AddWithValue("count", sagas);
            await seed.ExecuteNonQueryAsync();
        }

        var counts = (await client.GetFromJsonAsync<JsonElement>("/api/sagas/counts")).EnumerateArray()
            .ToDictionary(c => c.GetProperty("workflow").GetString()!);
        var transfers = counts["bank-transfer"];
        Assert.True(transfers.GetProperty("estimated").GetBoolean());
        Assert.InRange(transfers.GetProperty("byState").GetProperty("Completed").GetInt32(), 0.8 * 0.9 * sagas, 1.2 * 0.9 * sagas);
        Assert.InRange(transfers.GetProperty("byState").GetProperty("Cancelled").GetInt32(), 0.5 * 0.1 * sagas, 1.5 * 0.1 * sagas);
        Assert.InRange(transfers.GetProperty("total").GetInt32(), 0.8 * sagas, 1.2 * sagas);
        // A workflow of few sagas is counted exactly.
        Assert.False(counts["travel-booking"].GetProperty("estimated").GetBoolean());
        Assert.Equal(0, counts["travel-booking"].GetProperty("total").GetInt32());
    }
}
