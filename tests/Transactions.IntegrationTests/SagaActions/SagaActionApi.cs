using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.SagaActions;

/// <summary>The saga action endpoints as an operator's client calls them.</summary>
public static class SagaActionApi
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> ActAsync(HttpClient api, Guid sagaId,
        string action, string? reason, bool dryRun = false)
    {
        using var response = await api.PostAsJsonAsync($"/api/sagas/{sagaId}/actions/{action}", new { reason, dryRun });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (response.StatusCode == HttpStatusCode.Accepted)
            Assert.Equal($"/api/sagas/{sagaId}/actions/{body.GetProperty("actionId").GetGuid()}",
                response.Headers.Location?.OriginalString);
        return (response.StatusCode, body);
    }

    /// <summary>Waits until the saga has applied or refused the action, and returns its audit record.</summary>
    public static Task<JsonElement> CompletedAsync(HttpClient api, Guid sagaId, JsonElement requested) =>
        Eventually.Until(
            () => api.GetFromJsonAsync<JsonElement>($"/api/sagas/{sagaId}/actions/{requested.GetProperty("actionId").GetGuid()}"),
            r => r.GetProperty("status").GetString() != "Requested", TimeSpan.FromSeconds(30),
            $"the saga handles action {requested.GetProperty("action").GetString()}");

    public static Task<JsonElement> SagaAsync(HttpClient api, Guid sagaId) =>
        api.GetFromJsonAsync<JsonElement>($"/api/sagas/{sagaId}");

    public static Task<JsonElement> InStateAsync(HttpClient api, Guid sagaId, string state, TimeSpan? timeout = null) =>
        SagaApi.UntilAsync(api, sagaId, s => s.GetProperty("state").GetString() == state,
            timeout ?? TimeSpan.FromSeconds(45), $"reaches {state}");

    public static string[] AllowedActions(JsonElement saga) =>
        [.. saga.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()!)];
}
