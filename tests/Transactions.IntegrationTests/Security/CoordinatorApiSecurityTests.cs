using System.Net;
using System.Net.Http.Json;
using System.Text;
using Transactions.Coordinator;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Security;

/// <summary>The coordinator's own endpoints, as Program.cs composes them, with keys configured as production would.</summary>
public sealed class CoordinatorApiSecurityTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly object Transfer = new { fromAccount = "alice", toAccount = "bob", amount = 10.00m, currency = "EUR" };

    [Fact]
    public async Task Starting_a_transfer_needs_the_starter_role()
    {
        await using var host = await StartAsync([]);

        await ApiKeyTests.AssertProblem(await Client(host).PostAsJsonAsync("/api/bank-transfers", Transfer),
            HttpStatusCode.Unauthorized);
        await ApiKeyTests.AssertProblem(await Client(host, SecuredTestApp.ReaderKey).PostAsJsonAsync("/api/bank-transfers", Transfer),
            HttpStatusCode.Forbidden);
        using var accepted = await Client(host, SecuredTestApp.StarterKey).PostAsJsonAsync("/api/bank-transfers", Transfer);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        // The saga it answers with is readable by a reader, not by an anonymous caller.
        var location = accepted.Headers.Location!.ToString();
        await ApiKeyTests.AssertProblem(await Client(host).GetAsync(location), HttpStatusCode.Unauthorized);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await Client(host, SecuredTestApp.ReaderKey).GetAsync(location)).StatusCode);
    }

    [Fact]
    public async Task Manual_saga_actions_need_the_operator_role()
    {
        await using var host = await StartAsync([]);
        var action = new { reason = "checking roles", dryRun = true };
        var path = $"/api/sagas/{Guid.NewGuid()}/actions/retry";

        await ApiKeyTests.AssertProblem(await Client(host).PostAsJsonAsync(path, action), HttpStatusCode.Unauthorized);
        await ApiKeyTests.AssertProblem(await Client(host, SecuredTestApp.ReaderKey).PostAsJsonAsync(path, action),
            HttpStatusCode.Forbidden);
        await ApiKeyTests.AssertProblem(await Client(host, SecuredTestApp.StarterKey).PostAsJsonAsync(path, action),
            HttpStatusCode.Forbidden);
        // Past security: the operator learns the saga does not exist.
        await ApiKeyTests.AssertProblem(await Client(host, SecuredTestApp.OperatorKey).PostAsJsonAsync(path, action),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Saga_reads_are_anonymous_only_when_configured()
    {
        await using var host = await StartAsync(new() { ["Security:AllowAnonymousReads"] = "true" });

        using var read = await Client(host).GetAsync($"/api/sagas/{Guid.NewGuid()}");
        await ApiKeyTests.AssertProblem(read, HttpStatusCode.NotFound);
        await ApiKeyTests.AssertProblem(await Client(host).PostAsJsonAsync("/api/bank-transfers", Transfer),
            HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Transfer_starts_over_the_body_limit_are_413_and_over_the_rate_limit_429()
    {
        await using var host = await StartAsync(new()
        {
            ["Security:MaxWriteBodyBytes"] = "1024",
            ["Security:WritePermitLimit"] = "1",
        });
        var starter = Client(host, SecuredTestApp.StarterKey);

        var oversize = new StringContent($$"""{"fromAccount":"{{new string('a', 2000)}}"}""", Encoding.UTF8, "application/json");
        await ApiKeyTests.AssertProblem(await starter.PostAsync("/api/bank-transfers", oversize),
            HttpStatusCode.RequestEntityTooLarge);
        // The refused body counted against the window: rate limiting runs before the body is looked at.
        using var limited = await starter.PostAsJsonAsync("/api/bank-transfers", Transfer);
        await ApiKeyTests.AssertProblem(limited, HttpStatusCode.TooManyRequests);
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
    }

    Task<ServiceHost<CoordinatorAssembly>> StartAsync(Dictionary<string, string?> settings)
    {
        settings["Security:ApiKeys:0:Name"] = "starter";
        settings["Security:ApiKeys:0:Key"] = SecuredTestApp.StarterKey;
        settings["Security:ApiKeys:0:Roles:0"] = "starter";
        settings["Security:ApiKeys:1:Name"] = "reader";
        settings["Security:ApiKeys:1:Key"] = SecuredTestApp.ReaderKey;
        settings["Security:ApiKeys:1:Roles:0"] = "reader";
        settings["Security:ApiKeys:2:Name"] = "operator";
        settings["Security:ApiKeys:2:Key"] = SecuredTestApp.OperatorKey;
        settings["Security:ApiKeys:2:Roles:0"] = "operator";
        return CoordinatorHost.StartAsync(services, settings);
    }

    static HttpClient Client(ServiceHost<CoordinatorAssembly> host, string? key = null)
    {
        var client = host.CreateAnonymousClient();
        if (key is not null)
            client.DefaultRequestHeaders.Add(TestApiKey.Header, key);
        return client;
    }
}
