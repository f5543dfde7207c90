using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;
using Transactions.ServiceDefaults.Health;

namespace Transactions.IntegrationTests.Plumbing;

/// <summary>
/// Readiness probes and the broker: a class of its own because <see cref="HealthTests"/> deletes its vhost.
/// </summary>
public sealed class HealthProbeConnectionTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task Twenty_ready_probes_share_one_broker_connection()
    {
        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Coordinator"] = await services.CreateDatabaseAsync("coordinator-probes");
        settings["Database:MigrateOnStartup"] = "true";
        await using var host = new ServiceHost<CoordinatorAssembly>(settings);
        using var client = host.CreateAnonymousClient();
        await Eventually.Ready(client, "the coordinator");

        // The management API lists a connection a little after it opened: wait until it shows the probes' one.
        var before = await Eventually.Until(HealthCheckConnectionsAsync, names => names.Count == 1,
            TimeSpan.FromSeconds(60), "the broker lists the health check's connection");
        for (var probe = 0; probe < 20; probe++)
        {
            using var response = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // A connection's name holds its client port: the same name is the same connection, still open.
        Assert.Equal(before, await HealthCheckConnectionsAsync());
    }

    /// <summary>The broker's names of this vhost's open connections that the broker health check opened.</summary>
    async Task<List<string>> HealthCheckConnectionsAsync()
    {
        using var response = await services.Management.GetAsync($"api/vhosts/{services.VirtualHost}/connections");
        response.EnsureSuccessStatusCode();
        var connections = await response.Content.ReadFromJsonAsync<JsonElement>();
        return connections.EnumerateArray()
            .Where(c => c.TryGetProperty("client_properties", out var client)
                && client.TryGetProperty("connection_name", out var name) && name.GetString() == HealthEndpoints.BrokerConnectionName)
            .Select(c => c.GetProperty("name").GetString()!)
            .ToList();
    }
}
