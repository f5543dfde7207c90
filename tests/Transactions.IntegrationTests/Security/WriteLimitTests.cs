using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Transactions.IntegrationTests.Security;

public sealed class WriteLimitTests
{
    [Fact]
    public async Task A_body_over_the_limit_is_413_problem_details_before_the_handler_runs()
    {
        await using var app = await SecuredTestApp.StartAsync(new() { ["Security:MaxWriteBodyBytes"] = "1024" });
        var client = app.Client(SecuredTestApp.StarterKey);

        using var small = await client.PostAsJsonAsync("/start", new SecuredTestApp.Payload(new string('a', 900)));
        Assert.Equal(HttpStatusCode.Accepted, small.StatusCode);
        using var large = await client.PostAsync("/start", new StringContent(
            $$"""{"text":"{{new string('a', 2000)}}"}""", Encoding.UTF8, "application/json"));
        var problem = await ApiKeyTests.AssertProblem(large, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1024", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Writes_beyond_the_rate_limit_are_429_with_retry_after_per_key()
    {
        await using var app = await SecuredTestApp.StartAsync(new()
        {
            ["Security:WritePermitLimit"] = "2",
            ["Security:WriteWindowSeconds"] = "60",
        });
        var starter = app.Client(SecuredTestApp.StarterKey);
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await starter.PostAsJsonAsync("/start", new SecuredTestApp.Payload("x"))).StatusCode);

        using var refused = await starter.PostAsJsonAsync("/start", new SecuredTestApp.Payload("x"));
        await ApiKeyTests.AssertProblem(refused, HttpStatusCode.TooManyRequests);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);

        // Another caller has a window of its own; reads are not limited.
        Assert.Equal(HttpStatusCode.OK, (await app.Client(SecuredTestApp.OperatorKey).PostAsync("/operate", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await starter.GetAsync("/read")).StatusCode);
    }
}
