using Transactions.Coordinator.OpenApi;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.SagaActions;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.Sagas;

public sealed record SagaView(Guid SagaId, string Workflow, string State, bool IsTerminal, string? Outcome,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? DeadlineAt, IReadOnlyList<SagaStep> Steps,
    IReadOnlyList<SagaTransition> History, IReadOnlyList<string> AllowedActions);

public static class SagaEndpoints
{
    /// <summary>
    /// <c>GET /api/sagas/{id}</c>: any registered workflow's saga, with its steps and transitions; 404 problem details
    /// when no workflow knows the id.
    /// </summary>
    public static IEndpointRouteBuilder MapSagaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sagas/{id:guid}", GetAsync).RequireReader().WithTags("Sagas").ProducesProblem(StatusCodes.Status404NotFound)
            .WithResponseExample(StatusCodes.Status200OK, SagaExamples.CompletedTransfer);
        return app;
    }

    static async Task<IResult> GetAsync(Guid id, CoordinatorDbContext db, IEnumerable<SagaWorkflow> workflows,
        SagaActionRules actions, CancellationToken ct)
    {
        if (await WorkflowSagaQueries.FindInAnyAsync(db, workflows, id, ct) is not var (workflow, saga))
            return UnknownSaga(id);
        return Results.Ok(new SagaView(saga.CorrelationId, workflow.Name, saga.CurrentState,
            workflow.TerminalStates.Contains(saga.CurrentState), saga.Outcome, saga.CreatedAt, saga.UpdatedAt,
            saga.DeadlineAt, saga.Steps, saga.History, actions.Allowed(workflow, saga)));
    }

    /// <summary>The 404 problem details of a saga id no workflow knows.</summary>
    public static IResult UnknownSaga(Guid id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown saga",
            detail: $"No saga {id} in any workflow.");
}
