using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Transactions.Coordinator.Persistence;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.Reconciliation;

public static class ReconciliationEndpoints
{
    public static RouteGroupBuilder MapReconciliationEndpoints(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/reconciliation/runs").WithTags("Reconciliation");
        runs.MapPost("/", StartRun).RequireOperator().WithName("StartReconciliationRun")
            .WithSummary("Runs reconciliation now; answers with the report, or 202 with its Location if it takes longer. " +
                         "requeueErrorQueues moves _error messages back, force also those older than the inbox retention.");
        runs.MapGet("/", ListRuns).RequireReader().WithName("ListReconciliationRuns").WithSummary("The latest reports, newest first.");
        runs.MapGet("/{id:guid}", GetRun).RequireReader().WithName("GetReconciliationRun").WithSummary("One report.");
        return runs;
    }

    static async Task<Results<Ok<ReconciliationRun>, Accepted<RunStarted>>> StartRun(ReconciliationRequests requests,
        IOptions<ReconciliationOptions> options, bool? dryRun, bool? requeueErrorQueues, bool? force, CancellationToken ct)
    {
        var (id, completion) = await requests.StartAsync(
            new ReconciliationRequest("request", dryRun ?? false, requeueErrorQueues ?? false, Force: force ?? false), ct);
        var finished = await Task.WhenAny(completion, Task.Delay(options.Value.RequestWait, ct));
        return finished == completion
            ? TypedResults.Ok(await completion)
            : TypedResults.Accepted($"/api/reconciliation/runs/{id}", new RunStarted(id));
    }

    static async Task<Ok<List<ReconciliationRun>>> ListRuns(CoordinatorDbContext db, int? limit, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 20, 1, 200);
        var runs = await db.Set<ReconciliationRun>().AsNoTracking()
            .OrderByDescending(r => r.StartedAt).Take(take).ToListAsync(ct);
        return TypedResults.Ok(runs);
    }

    static async Task<Results<Ok<ReconciliationRun>, ProblemHttpResult>> GetRun(CoordinatorDbContext db, Guid id,
        CancellationToken ct)
    {
        var run = await db.Set<ReconciliationRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return run is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Reconciliation run not found",
                detail: $"No reconciliation run has id {id}.")
            : TypedResults.Ok(run);
    }

    public sealed record RunStarted(Guid RunId);
}
