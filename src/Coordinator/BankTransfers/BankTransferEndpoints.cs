using MassTransit;
using Transactions.Contracts.BankTransfers;
using Transactions.Coordinator.OpenApi;
using Transactions.Coordinator.Persistence;
using Transactions.ServiceDefaults.Http;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.BankTransfers;

public sealed record StartBankTransferRequest(Guid? TransferId, string? FromAccount, string? ToAccount,
    decimal? Amount, string? Currency);

public sealed record SagaAccepted(Guid SagaId);

public static class BankTransferEndpoints
{
    /// <summary>
    /// <c>POST /api/bank-transfers</c>: validates, publishes <see cref="StartBankTransfer"/> through the bus outbox and answers 202 with the
    /// saga to poll. The transfer id is the saga id, so the same transfer id again names the same saga, and the
    /// state machine ignores the repeated start.
    /// </summary>
    public static IEndpointRouteBuilder MapBankTransferEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/bank-transfers", StartAsync).RequireStarter().WithTags("Bank transfers").ProducesValidationProblem()
            .WithRequestExample(BankTransferExamples.Start).WithResponseExample(StatusCodes.Status202Accepted, BankTransferExamples.Accepted);
        return app;
    }

    static async Task<IResult> StartAsync(HttpRequest request, IPublishEndpoint publish, CoordinatorDbContext db,
        CancellationToken ct)
    {
        var (body, problem) = await JsonRequest.ReadAsync<StartBankTransferRequest>(request);
        if (problem is not null)
            return problem;
        var rules = BankTransferRules.Check(body!.FromAccount, body.ToAccount, body.Amount, body.Currency)
            .Check(body.TransferId != Guid.Empty, "transferId", "Must not be the empty UUID.");
        if (!rules.IsValid)
            return Results.ValidationProblem(rules.Errors);

        var transferId = body.TransferId ?? NewId.NextGuid();
        await publish.Publish(new StartBankTransfer(transferId, body.FromAccount!, body.ToAccount!, body.Amount!.Value,
            body.Currency!), ct);
        // The publish above only wrote an outbox row: it reaches the broker once this commits.
        await db.SaveChangesAsync(ct);
        return Results.Accepted($"/api/sagas/{transferId}", new SagaAccepted(transferId));
    }
}
