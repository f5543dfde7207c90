using System.Net;
using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Plumbing;

public sealed class HealthTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Fact]
    public async Task Ready_answers_200_with_broker_and_database_and_503_while_the_broker_is_gone()
    {
        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Coordinator"] = await services.CreateDatabaseAsync("coordinator");
        settings["Database:MigrateOnStartup"] = "true";
        await using var host = new ServiceHost<CoordinatorAssembly>(settings);
        using var client = host.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        await ReadyBecomes(client, HttpStatusCode.OK);

        // Deleting the vhost drops the bus's connection and refuses reconnection: the broker is gone for this host.
        using (await services.Management.DeleteAsync($"api/vhosts/{services.VirtualHost}")) { }
        await ReadyBecomes(client, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
    }

    static Task ReadyBecomes(HttpClient client, HttpStatusCode expected) =>
        Eventually.Until(async () =>
        {
            using var response = await client.GetAsync("/health/ready");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }, ready => ready.StatusCode == expected, TimeSpan.FromSeconds(60), $"/health/ready answers {(int)expected}");
}
