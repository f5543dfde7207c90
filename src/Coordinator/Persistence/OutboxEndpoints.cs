using Transactions.Coordinator.OpenApi;
using Transactions.Outbox.Delivery;
using Transactions.ServiceDefaults.Security;

namespace Transactions.Coordinator.Persistence;

/// <summary>The coordinator outbox's backlog: messages committed and not yet delivered, and the oldest one's age.</summary>
public sealed record OutboxBacklogView(long Count, DateTimeOffset? OldestSentAt, double? OldestAgeSeconds);

public static class OutboxEndpoints
{
    /// <summary>
    /// <c>GET /api/outbox</c> (reader): what the delivery service has still to publish. A backlog that only grows, or an
    /// oldest message older than a few seconds, means delivery is stalled or the broker is unreachable.
    /// </summary>
    public static IEndpointRouteBuilder MapOutboxEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/outbox", GetAsync).RequireReader().WithTags("Outbox")
            .WithSummary("The coordinator outbox backlog: undelivered messages and the oldest one's age.")
            .WithResponseExample(StatusCodes.Status200OK, new OutboxBacklogView(3,
                new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero), 4.2));
        return app;
    }

    static async Task<IResult> GetAsync(OutboxBacklog<CoordinatorDbContext> outbox, TimeProvider clock,
        CancellationToken ct)
    {
        var backlog = await outbox.GetAsync(ct);
        // The outbox stores sent_time as a UTC timestamp without an offset.
        DateTimeOffset? oldest = backlog.OldestSentTime is { } sent
            ? new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc))
            : null;
        var age = oldest is { } at ? Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds) : (double?)null;
        return Results.Ok(new OutboxBacklogView(backlog.Count, oldest, age));
    }
}
