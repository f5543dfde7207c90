using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.BankTransfers;

/// <summary>One coordinator shared by every request of this class: validation needs no fresh state.</summary>
public sealed class CoordinatorApi : IAsyncLifetime
{
    readonly IsolatedServices _services = new();

    public BankTransferSystem System { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _services.InitializeAsync();
        System = await BankTransferSystem.StartAsync(_services, startBank: false);
    }

    public async Task DisposeAsync()
    {
        await System.DisposeAsync();
        await _services.DisposeAsync();
    }
}

public sealed class BankTransferApiTests(CoordinatorApi api) : IClassFixture<CoordinatorApi>
{
    [Theory]
    [InlineData("""{"fromAccount":"a","toAccount":"b","amount":0,"currency":"EUR"}""", "amount")]
    [InlineData("""{"fromAccount":"a","toAccount":"b","amount":-5,"currency":"EUR"}""", "amount")]
    [InlineData("""{"fromAccount":"a","toAccount":"b","amount":1.005,"currency":"EUR"}""", "amount")]
    [InlineData("""{"fromAccount":"a","toAccount":"a","amount":1,"currency":"EUR"}""", "toAccount")]
    [InlineData("""{"fromAccount":"a","toAccount":"b","amount":1,"currency":"EURO"}""", "currency")]
    [InlineData("""{"fromAccount":"a","toAccount":"b","amount":1,"currency":"eur"}""", "currency")]
    [InlineData("""{"toAccount":"b","amount":1,"currency":"EUR"}""", "fromAccount")]
    [InlineData("""{"fromAccount":"a","toAccount":"b","currency":"EUR"}""", "amount")]
    [InlineData("""{"fromAccount":"a","toAccount":"b","amount":"ten","currency":"EUR"}""", "amount")]
    [InlineData("""{"fromAccount":"a",""", "body")]
    [InlineData("", "body")]
    public async Task Invalid_input_is_refused_with_problem_details_naming_the_field(string json, string field)
    {
        using var response = await api.System.Coordinator.PostAsync("/api/bank-transfers",
            new StringContent(json, Encoding.UTF8, "application/json"));
        await AssertProblem(response, field);
    }

    [Fact]
    public async Task An_oversized_body_is_refused_and_an_unknown_saga_is_404()
    {
        var system = api.System;
        var padding = new string('x', 20_000);
        using var large = await system.Coordinator.PostAsync("/api/bank-transfers", new StringContent(
            $$"""{"fromAccount":"{{padding}}","toAccount":"b","amount":1,"currency":"EUR"}""", Encoding.UTF8,
            "application/json"));
        await AssertProblem(large, "body");

        using var unknown = await system.Coordinator.GetAsync($"/api/sagas/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Asserts a 400 problem details response whose errors name <paramref name="field"/>.</summary>
    internal static async Task AssertProblem(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

}
