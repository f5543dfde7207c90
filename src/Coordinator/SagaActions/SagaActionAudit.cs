using MassTransit;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Sagas;

namespace Transactions.Coordinator.SagaActions;

/// <summary>
/// Completes an action's audit record from inside the saga: the record is changed on the message's
/// <see cref="CoordinatorDbContext"/>, so it commits in the same transaction as the saga's new state and the commands
/// the action sent. Either all of it happened, or none of it did and the message is retried.
/// </summary>
public static class SagaActionAudit
{
    /// <summary>Marks the action as applied, with what it did.</summary>
    public static Task AppliedAsync<TSaga, TCommand>(BehaviorContext<TSaga, TCommand> c, string detail)
        where TSaga : WorkflowSaga where TCommand : class, ISagaActionCommand =>
        CompleteAsync(c, c.Message, SagaActionStatus.Applied, detail);

    /// <summary>
    /// When an unhandled event is an action (the saga moved on between the API's check and the command's arrival),
    /// marks it refused with the state that refused it. Returns false for any other event.
    /// </summary>
    public static async Task<bool> RefuseIfActionAsync<TSaga>(BehaviorContext<TSaga> c) where TSaga : WorkflowSaga
    {
        if (Command(c) is not { } command)
            return false;
        await CompleteAsync(c, command, SagaActionStatus.Refused,
            $"The saga was in {c.Saga.CurrentState} when the action reached it, where it is not allowed.");
        return true;
    }

    static ISagaActionCommand? Command(ConsumeContext c) =>
        c.TryGetMessage<RetrySagaStep>(out var retry) ? retry.Message
        : c.TryGetMessage<CompensateSaga>(out var compensate) ? compensate.Message
        : c.TryGetMessage<ResolveSaga>(out var resolve) ? resolve.Message
        : null;

    static async Task CompleteAsync<TSaga>(BehaviorContext<TSaga> c, ISagaActionCommand command, string status,
        string detail) where TSaga : WorkflowSaga
    {
        var services = MessageServices(c);
        var db = services.GetRequiredService<CoordinatorDbContext>();
        var record = await db.Set<SagaActionRecord>().FindAsync([command.ActionId], c.CancellationToken);
        // Only the first delivery completes it: a redelivered command finds it completed and leaves it as it is.
        if (record is null || record.Status != SagaActionStatus.Requested)
            return;
        record.Status = status;
        record.Detail = detail;
        record.CompletedAt = services.GetRequiredService<TimeProvider>().GetUtcNow();
    }

    /// <summary>The message's scope, whose context is the one the saga repository saves and the outbox commits.</summary>
    static IServiceProvider MessageServices(ConsumeContext c) =>
        c.TryGetPayload<IServiceScope>(out var scope) ? scope.ServiceProvider : c.GetPayload<IServiceProvider>();
}
