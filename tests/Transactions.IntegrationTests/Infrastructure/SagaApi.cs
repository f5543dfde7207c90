using System.Net.Http.Json;
using System.Text.Json;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>Waits on a saga as an API client sees it.</summary>
public static class SagaApi
{
    /// <summary>
    /// Polls <c>GET /api/sagas/{id}</c> until the saga satisfies <paramref name="done"/>; a saga not saved yet (404,
    /// its start still on its way through the outbox) counts as not done.
    /// </summary>
    public static Task<JsonElement> UntilAsync(HttpClient api, Guid sagaId, Func<JsonElement, bool> done,
        TimeSpan timeout, string because) =>
        Eventually.Until(async () =>
            {
                using var response = await api.GetAsync($"/api/sagas/{sagaId}");
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            }, saga => saga.ValueKind == JsonValueKind.Object && done(saga), timeout, $"saga {sagaId} {because}");
}
