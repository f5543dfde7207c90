using Transactions.Coordinator.OpenApi;
using Transactions.Outbox.Delivery;
using Transactions.Outbox.Inbox;
using Transactions.Outbox.Outbox;
using Transactions.ServiceDefaults.Http;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.Persistence;

/// <summary>
/// The coordinator outbox's backlog: messages committed and not yet delivered, the oldest one's age, and the messages
/// taken out of delivery as dead letters. Counts beyond <see cref="OutboxBacklog{TDbContext}.CountedRows"/> are the
/// database's estimate, and <see cref="Estimated"/> says so.
/// </summary>
public sealed record OutboxBacklogView(long Count, DateTimeOffset? OldestSentAt, double? OldestAgeSeconds,
    long DeadLettered, bool Estimated = false);

/// <summary>A dead letter as operators see it: what it was, where it was going, and why it stopped.</summary>
public sealed record OutboxDeadLetterView(long SequenceNumber, Guid MessageId, Guid? CorrelationId, string MessageType,
    Uri DestinationAddress, DateTimeOffset SentAt, int DeliveryAttempts, string Error, DateTimeOffset DeadLetteredAt,
    string Body)
{
    // The outbox stores its times as UTC timestamps without an offset.
    static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    public static OutboxDeadLetterView Of(OutboxDeadLetter m) => new(m.SequenceNumber, m.MessageId, m.CorrelationId,
        m.MessageType, m.DestinationAddress, Utc(m.SentTime), m.DeliveryAttempts, m.Error, Utc(m.DeadLetteredAt), m.Body);
}

public static class OutboxEndpoints
{
    /// <summary>
    /// <c>GET /api/outbox</c> (reader): what the delivery service has still to publish. A backlog that only grows, or an
    /// oldest message older than a few seconds, means delivery is stalled or the broker is unreachable.
    /// <c>GET /api/outbox/dead-letters</c> (reader) lists the messages delivery gave up on, and
    /// <c>POST /api/outbox/dead-letters/{sequenceNumber}/requeue</c> (operator) sends one again once its cause is fixed;
    /// one sent longer ago than the inbox retention only with <c>?force=true</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapOutboxEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/outbox", GetAsync).RequireReader().WithTags("Outbox")
            .WithSummary("The coordinator outbox backlog: undelivered messages, the oldest one's age, dead letters.")
            .WithResponseExample(StatusCodes.Status200OK, new OutboxBacklogView(3,
                new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero), 4.2, 0));
        app.MapGet("/api/outbox/dead-letters", DeadLettersAsync).RequireReader().WithTags("Outbox")
            .WithSummary("Messages the broker refused again and again while it took others, newest first.")
            .ProducesValidationProblem()
            .WithResponseExample(StatusCodes.Status200OK, new[] { Example });
        app.MapPost("/api/outbox/dead-letters/{sequenceNumber:long}/requeue", RequeueAsync).RequireOperator()
            .WithTags("Outbox")
            .WithSummary("Put a dead letter back into delivery, behind what its conversation sent since.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithResponseExample(StatusCodes.Status202Accepted, new RequeuedView(Example.SequenceNumber, Example.MessageId));
        return app;
    }

    public sealed record RequeuedView(long SequenceNumber, Guid MessageId);

    static readonly OutboxDeadLetterView Example = new(1042, new Guid("0b8c5e0e-3f5a-4d8e-9a43-6d2f0c1e7a11"),
        new Guid("5d1f8a4e-2b7c-4c90-8e3a-1f6b9d2c4a77"), "urn:message:Transactions.Contracts.BankTransfers:TryDebit",
        new Uri("rabbitmq://localhost/bank-debit"), new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero), 10,
        "AlreadyClosedException: Already closed: The AMQP operation was interrupted: message size exceeds max_message_size",
        new DateTimeOffset(2026, 11, 25, 9, 31, 2, TimeSpan.Zero), "{\"message\":{}}");

    static async Task<IResult> GetAsync(OutboxBacklog<CoordinatorDbContext> outbox, TimeProvider clock,
        CancellationToken ct)
    {
        var backlog = await outbox.GetAsync(ct);
        // The outbox stores sent_time as a UTC timestamp without an offset.
        DateTimeOffset? oldest = backlog.OldestSentTime is { } sent
            ? new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc))
            : null;
        var age = oldest is { } at ? Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds) : (double?)null;
        return Results.Ok(new OutboxBacklogView(backlog.Count, oldest, age, backlog.DeadLettered, backlog.Estimated));
    }

    static async Task<IResult> DeadLettersAsync(OutboxBacklog<CoordinatorDbContext> outbox, int? limit,
        CancellationToken ct)
    {
        var rules = new RequestRules();
        rules.Check(limit is null or (>= 1 and <= 500), "limit", "Must be between 1 and 500.");
        if (!rules.IsValid)
            return Results.ValidationProblem(rules.Errors);
        var deadLetters = await outbox.DeadLettersAsync(limit ?? 50, ct);
        return Results.Ok(deadLetters.Select(OutboxDeadLetterView.Of));
    }

    static async Task<IResult> RequeueAsync(long sequenceNumber, bool? force, OutboxBacklog<CoordinatorDbContext> outbox,
        InboxRetentionGuard inbox, CancellationToken ct)
    {
        var requeue = await outbox.RequeueAsync(sequenceNumber, force ?? false, ct);
        return requeue.Status switch
        {
            DeadLetterRequeueStatus.Requeued => Results.Accepted(value: new RequeuedView(sequenceNumber, requeue.MessageId!.Value)),
            DeadLetterRequeueStatus.OlderThanInboxRetention => Results.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "Dead letter older than the inbox retention",
                detail: $"Dead letter {sequenceNumber} was not requeued. {inbox.Refusal(requeue.SentAt!.Value)} Once you " +
                        "have checked that it was not consumed, requeue it with force=true.",
                extensions: new Dictionary<string, object?>
                {
                    ["field"] = "force", ["sentAt"] = requeue.SentAt, ["inboxRetention"] = inbox.Retention.ToString(),
                    ["force"] = $"/api/outbox/dead-letters/{sequenceNumber}/requeue?force=true",
                }),
            _ => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown dead letter",
                detail: $"No dead letter {sequenceNumber} in the coordinator outbox."),
        };
    }
}
