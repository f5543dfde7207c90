using Microsoft.EntityFrameworkCore;
using MassTransit;
using Transactions.Coordinator.OpenApi;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Sagas;
using Transactions.ServiceDefaults.Http;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.SagaActions;

public sealed record SagaActionRequest(string? Reason, bool? DryRun);

/// <summary>One audit record as the API shows it.</summary>
public sealed record SagaActionView(Guid ActionId, Guid SagaId, string Workflow, string Action, string Reason,
    bool DryRun, string Actor, DateTimeOffset RequestedAt, string StateBefore, string Status, string Detail,
    DateTimeOffset? CompletedAt)
{
    public static SagaActionView Of(SagaActionRecord r) => new(r.ActionId, r.SagaId, r.Workflow, r.Action, r.Reason,
        r.DryRun, r.Actor, r.RequestedAt, r.StateBefore, r.Status, r.Detail, r.CompletedAt);
}

/// <summary>A page of the audit log, newest first; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record SagaActionPage(IReadOnlyList<SagaActionView> Items, string? NextCursor);

public static class SagaActionEndpoints
{
    /// <summary>
    /// <c>POST /api/sagas/{id}/actions/{action}</c> (operator): retry, compensate or resolve one saga, with a reason, or
    /// only describe it (dry run). Every request that names a saga and a reason is audited, refused ones included.
    /// <c>GET /api/sagas/{id}/actions[/{actionId}]</c> and <c>GET /api/audit</c> read the audit log.
    /// </summary>
    public static IEndpointRouteBuilder MapSagaActionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/sagas/{id:guid}/actions/{action}", ActAsync).RequireOperator().WithTags("Saga actions")
            .WithSummary("Retry the current step, compensate now, or mark resolved; dryRun only describes it.")
            .WithRequestExample(SagaActionExamples.Request)
            .WithResponseExample(StatusCodes.Status200OK, SagaActionExamples.DryRun)
            .WithResponseExample(StatusCodes.Status202Accepted, SagaActionExamples.Requested)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        app.MapGet("/api/sagas/{id:guid}/actions", ListForSagaAsync).RequireReader().WithTags("Saga actions")
            .WithSummary("The saga's actions, newest first.")
            .WithResponseExample(StatusCodes.Status200OK, new[] { SagaActionExamples.Applied });
        app.MapGet("/api/sagas/{id:guid}/actions/{actionId:guid}", GetAsync).RequireReader().WithTags("Saga actions")
            .WithSummary("One action and its result.").ProducesProblem(StatusCodes.Status404NotFound)
            .WithResponseExample(StatusCodes.Status200OK, SagaActionExamples.Applied);
        app.MapGet("/api/audit", ListAllAsync).RequireReader().WithTags("Saga actions")
            .WithSummary("Every saga action, newest first, paged by an opaque cursor.").ProducesValidationProblem()
            .WithResponseExample(StatusCodes.Status200OK, new SagaActionPage([SagaActionExamples.Applied], null));
        return app;
    }

    static async Task<IResult> ActAsync(Guid id, string action, HttpContext http, CoordinatorDbContext db,
        IEnumerable<SagaWorkflow> workflows, SagaActionRules rules, ISendEndpointProvider send,
        IEndpointNameFormatter endpointNames, TimeProvider clock, CancellationToken ct)
    {
        if (!SagaActionNames.Commands.ContainsKey(action))
            return JsonRequest.Problem("action", $"Must be one of {string.Join(", ", SagaActionNames.Commands.Keys)}.");
        var (body, problem) = await JsonRequest.ReadAsync<SagaActionRequest>(http.Request);
        if (problem is not null)
            return problem;
        var check = new RequestRules().Required("reason", body!.Reason, SagaActionRecordMapping.MaxReasonLength);
        if (!check.IsValid)
            return Results.ValidationProblem(check.Errors);
        if (await WorkflowSagaQueries.FindInAnyAsync(db, workflows, id, ct) is not var (workflow, saga))
            return SagaEndpoints.UnknownSaga(id);

        var record = new SagaActionRecord
        {
            ActionId = NewId.NextGuid(), SagaId = id, Workflow = workflow.Name, Action = action,
            Reason = body.Reason!.Trim(), DryRun = body.DryRun ?? false, Actor = http.User.Identity?.Name ?? "anonymous",
            RequestedAt = clock.GetUtcNow(), StateBefore = saga.CurrentState,
        };
        db.Add(record);
        var allowed = rules.Allowed(workflow, saga);
        if (!allowed.Contains(action))
        {
            (record.Status, record.Detail, record.CompletedAt) = (SagaActionStatus.Refused,
                $"{action} is not allowed for a {workflow.Name} saga in state {saga.CurrentState}. Allowed now: " +
                (allowed.Count == 0 ? "none." : string.Join(", ", allowed) + "."), record.RequestedAt);
            await db.SaveChangesAsync(ct);
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Action not allowed",
                detail: record.Detail, extensions: new Dictionary<string, object?>
                {
                    ["state"] = saga.CurrentState, ["allowedActions"] = allowed, ["actionId"] = record.ActionId,
                });
        }

        record.Detail = workflow.DescribeAction(saga, action);
        if (record.DryRun)
        {
            (record.Status, record.CompletedAt) = (SagaActionStatus.DryRun, record.RequestedAt);
            await db.SaveChangesAsync(ct);
            return Results.Ok(SagaActionView.Of(record));
        }

        // The saga applies the action in order with its other messages; the send is an outbox row until this commits.
        var queue = WorkflowSagaQueries.For(workflow).EndpointName(endpointNames);
        var endpoint = await send.GetSendEndpoint(new Uri($"queue:{queue}"));
        var command = SagaActionNames.Commands[action];
        await endpoint.Send(command.Create(id, record.ActionId, record.Actor, record.Reason), command.Type, ct);
        await db.SaveChangesAsync(ct);
        return Results.Accepted($"/api/sagas/{id}/actions/{record.ActionId}", SagaActionView.Of(record));
    }

    static async Task<IResult> ListForSagaAsync(Guid id, CoordinatorDbContext db, CancellationToken ct)
    {
        var records = await db.Set<SagaActionRecord>().AsNoTracking().Where(a => a.SagaId == id)
            .OrderByDescending(a => a.RequestedAt).ThenByDescending(a => a.ActionId).Take(500).ToListAsync(ct);
        return Results.Ok(records.Select(SagaActionView.Of));
    }

    static async Task<IResult> GetAsync(Guid id, Guid actionId, CoordinatorDbContext db, CancellationToken ct) =>
        await db.Set<SagaActionRecord>().AsNoTracking().SingleOrDefaultAsync(a => a.ActionId == actionId && a.SagaId == id, ct)
            is { } record
            ? Results.Ok(SagaActionView.Of(record))
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown action",
                detail: $"No action {actionId} on saga {id}.");

    static async Task<IResult> ListAllAsync(CoordinatorDbContext db, int? limit, string? cursor, CancellationToken ct)
    {
        var rules = new RequestRules();
        PageCursor? before = null;
        if (cursor is not null)
            rules.Check(PageCursor.TryDecode(cursor, out before), "cursor", "Not a cursor this API returned.");
        rules.Check(limit is null or (>= 1 and <= 500), "limit", "Must be between 1 and 500.");
        if (!rules.IsValid)
            return Results.ValidationProblem(rules.Errors);

        var take = limit ?? 50;
        var records = db.Set<SagaActionRecord>().AsNoTracking();
        if (before is not null)
            // (requested_at, action_id) < (@at, @id): a range scan of the audit index, newest first.
            records = records.Where(a => EF.Functions.LessThan(ValueTuple.Create(a.RequestedAt, a.ActionId),
                ValueTuple.Create(before.At, before.Id)));
        var page = await records.OrderByDescending(a => a.RequestedAt).ThenByDescending(a => a.ActionId)
            .Take(take + 1).ToListAsync(ct);
        string? next = null;
        if (page.Count > take)
        {
            page.RemoveAt(take);
            next = new PageCursor(page[^1].RequestedAt, page[^1].ActionId).Encode();
        }
        return Results.Ok(new SagaActionPage(page.Select(SagaActionView.Of).ToList(), next));
    }
}
