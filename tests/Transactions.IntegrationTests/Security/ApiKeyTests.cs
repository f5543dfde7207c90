using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Security;

public sealed class ApiKeyTests
{
    static readonly SecuredTestApp.Payload Body = new("hello");

    [Fact]
    public async Task A_write_without_a_key_is_401_problem_details_with_a_challenge()
    {
        await using var app = await SecuredTestApp.StartAsync([]);
        using var response = await app.Client().PostAsJsonAsync("/start", Body);

        await AssertProblem(response, HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task An_unknown_key_is_401_and_a_key_without_the_role_is_403()
    {
        await using var app = await SecuredTestApp.StartAsync([]);

        using var unknown = await app.Client("not-a-configured-key-0123456789-xx").PostAsJsonAsync("/start", Body);
        await AssertProblem(unknown, HttpStatusCode.Unauthorized);
        using var reader = await app.Client(SecuredTestApp.ReaderKey).PostAsJsonAsync("/start", Body);
        await AssertProblem(reader, HttpStatusCode.Forbidden);
        using var starter = await app.Client(SecuredTestApp.StarterKey).PostAsync("/operate", null);
        await AssertProblem(starter, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_right_role_is_let_through_by_either_header()
    {
        await using var app = await SecuredTestApp.StartAsync([]);

        using var started = await app.Client(SecuredTestApp.StarterKey).PostAsJsonAsync("/start", Body);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        using var client = app.Client();
        client.DefaultRequestHeaders.Authorization = new("ApiKey", SecuredTestApp.OperatorKey);
        using var operated = await client.PostAsync("/operate", null);
        Assert.Equal(HttpStatusCode.OK, operated.StatusCode);
        // Any role reads, the reader's key configured by its SHA-256 only.
        foreach (var key in new[] { SecuredTestApp.ReaderKey, SecuredTestApp.StarterKey })
            Assert.Equal(HttpStatusCode.OK, (await app.Client(key).GetAsync("/read")).StatusCode);
    }

    [Fact]
    public async Task Reads_need_a_key_unless_anonymous_reads_are_configured_also_for_unmarked_endpoints()
    {
        await using (var closed = await SecuredTestApp.StartAsync([]))
        {
            await AssertProblem(await closed.Client().GetAsync("/read"), HttpStatusCode.Unauthorized);
            await AssertProblem(await closed.Client().GetAsync("/unmarked"), HttpStatusCode.Unauthorized);
            Assert.Equal(HttpStatusCode.OK, (await closed.Client().GetAsync("/health/live")).StatusCode);
        }

        await using var open = await SecuredTestApp.StartAsync(new() { ["Security:AllowAnonymousReads"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await open.Client().GetAsync("/read")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await open.Client().GetAsync("/unmarked")).StatusCode);
        await AssertProblem(await open.Client().PostAsJsonAsync("/start", Body), HttpStatusCode.Unauthorized);
        // A wrong key is not read as anonymous, even where anonymous reads are let in.
        await AssertProblem(await open.Client("not-a-configured-key-0123456789-xx").GetAsync("/read"),
            HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await open.Client(SecuredTestApp.ReaderKey).GetAsync("/read")).StatusCode);
    }

    internal static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
