using System.Net.Http.Json;
using Transactions.Coordinator.Reconciliation;

namespace Transactions.IntegrationTests.Reconciliation;

/// <summary>Runs reconciliation on demand through the coordinator's REST API, as an operator would.</summary>
public static class ReconciliationApi
{
    /// <param name="query">Appended to the URL: "" for a run that repairs, "?dryRun=true" for a report only.</param>
    public static async Task<ReconciliationRun> RunAsync(HttpClient coordinator, string query = "")
    {
        using var response = await coordinator.PostAsync("/api/reconciliation/runs" + query, null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ReconciliationRun>())!;
    }
}
