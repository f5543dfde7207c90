using System.Net;
using System.Text.Json;
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

    [Fact]
    public async Task Anonymous_ready_names_each_check_and_its_status_without_the_reason_and_a_reader_sees_the_reason()
    {
        const string readerKey = "health-reader-key-0123456789-abcdef";
        var settings = services.BrokerSettings();
        settings["ConnectionStrings:Coordinator"] = await services.CreateDatabaseAsync("coordinator-reasons");
        settings["Database:MigrateOnStartup"] = "true";
        // A vhost that does not exist: the broker check fails, with the broker's refusal as its reason.
        settings["RabbitMq:VirtualHost"] = services.VirtualHost + "-missing";
        settings["Security:ApiKeys:0:Name"] = "reader";
        settings["Security:ApiKeys:0:Key"] = readerKey;
        settings["Security:ApiKeys:0:Roles:0"] = "reader";
        await using var host = new ServiceHost<CoordinatorAssembly>(settings);
        using var anonymous = host.CreateAnonymousClient();
        using var reader = host.CreateAnonymousClient();
        reader.DefaultRequestHeaders.Add(TestApiKey.Header, readerKey);

        var seenByReader = await ReadyBecomes(reader, HttpStatusCode.ServiceUnavailable);
        var broker = Check(seenByReader.Body, "broker");
        Assert.Equal("Unhealthy", broker.GetProperty("status").GetString());
        Assert.Contains("unreachable", broker.GetProperty("description").GetString());

        var seenByAnyone = await ReadyBecomes(anonymous, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", Check(seenByAnyone.Body, "broker").GetProperty("status").GetString());
        foreach (var check in JsonDocument.Parse(seenByAnyone.Body).RootElement.GetProperty("checks").EnumerateArray())
            Assert.False(check.TryGetProperty("description", out _), $"anonymous caller sees a reason: {check}");
        Assert.DoesNotContain("unreachable", seenByAnyone.Body);
        Assert.DoesNotContain(services.VirtualHost, seenByAnyone.Body);
    }

    static JsonElement Check(string body, string name) => JsonDocument.Parse(body).RootElement.GetProperty("checks")
        .EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    static Task<(HttpStatusCode StatusCode, string Body)> ReadyBecomes(HttpClient client, HttpStatusCode expected) =>
        Eventually.Until(async () =>
        {
            using var response = await client.GetAsync("/health/ready");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }, ready => ready.StatusCode == expected, TimeSpan.FromSeconds(60), $"/health/ready answers {(int)expected}");
}
