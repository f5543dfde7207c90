using Transactions.Coordinator.Persistence;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.Sagas;

/// <summary>One saga in the list: the shape of <c>GET /api/sagas/{id}</c> without steps and history.</summary>
public sealed record SagaSummary(Guid SagaId, string Workflow, string State, bool IsTerminal, string? Outcome,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A page of the list; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record SagaPage(IReadOnlyList<SagaSummary> Items, string? NextCursor);

/// <summary>
/// How many sagas a workflow holds, in total and per state; <see cref="Estimated"/> when the numbers are the database's
/// estimates (a workflow of more than <see cref="WorkflowSagaQueries.CountedSagas"/> sagas).
/// </summary>
public sealed record WorkflowSagaCounts(string Workflow, int Total, IReadOnlyDictionary<string, int> ByState,
    bool Estimated);

public static class SagaListEndpoints
{
    /// <summary>
    /// <c>GET /api/sagas</c>: sagas of every registered workflow (or one), filtered, oldest created first, paged by an
    /// opaque cursor. <c>GET /api/sagas/counts</c>: sagas per workflow and state.
    /// </summary>
    public static IEndpointRouteBuilder MapSagaListEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sagas", ListAsync).RequireReader().WithTags("Sagas");
        app.MapGet("/api/sagas/counts", CountsAsync).RequireReader().WithTags("Sagas");
        return app;
    }

    static async Task<IResult> ListAsync(HttpRequest request, CoordinatorDbContext db,
        IEnumerable<SagaWorkflow> workflows, TimeProvider clock, CancellationToken ct)
    {
        var registered = workflows.ToList();
        var (query, problem) = SagaListQuery.Parse(request.Query, registered);
        if (problem is not null)
            return problem;

        var updatedBefore = query!.StuckFor is { } stuckFor ? clock.GetUtcNow() - stuckFor : (DateTimeOffset?)null;
        // One more than the page tells whether another page follows. Each workflow's first limit + 1 rows after the
        // cursor include the merged first limit + 1, so merging those is exact.
        var merged = new List<SagaSummary>();
        foreach (var workflow in registered.Where(w => query.Workflow is null || w.Name == query.Workflow))
        {
            var terminal = workflow.TerminalStates.ToArray();
            var filter = new SagaPageFilter(query.State,
                query.IsTerminal == true ? terminal : null,
                query.IsTerminal == false || updatedBefore is not null ? terminal : null,
                updatedBefore, query.CreatedFrom, query.CreatedTo, query.After);
            var rows = await WorkflowSagaQueries.For(workflow).PageAsync(db, filter, query.Limit + 1, ct);
            merged.AddRange(rows.Select(r => new SagaSummary(r.SagaId, workflow.Name, r.State,
                workflow.TerminalStates.Contains(r.State), r.Outcome, r.CreatedAt, r.UpdatedAt)));
        }

        // PostgreSQL orders uuids as their canonical text does; the merge must agree with the per-table order.
        var page = merged.OrderBy(s => s.CreatedAt).ThenBy(s => s.SagaId.ToString(), StringComparer.Ordinal)
            .Take(query.Limit + 1).ToList();
        string? next = null;
        if (page.Count > query.Limit)
        {
            page.RemoveAt(query.Limit);
            next = new PageCursor(page[^1].CreatedAt, page[^1].SagaId).Encode();
        }
        return Results.Ok(new SagaPage(page, next));
    }

    static async Task<IResult> CountsAsync(CoordinatorDbContext db, IEnumerable<SagaWorkflow> workflows,
        CancellationToken ct)
    {
        var counts = new List<WorkflowSagaCounts>();
        foreach (var workflow in workflows)
        {
            var (byState, estimated) = await WorkflowSagaQueries.For(workflow).CountByStateAsync(db, ct);
            counts.Add(new WorkflowSagaCounts(workflow.Name, byState.Values.Sum(), byState, estimated));
        }
        return Results.Ok(counts);
    }
}
