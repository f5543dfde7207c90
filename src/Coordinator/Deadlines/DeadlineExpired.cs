namespace Transactions.Coordinator.Deadlines;

/// <summary>
/// Sent to a saga whose <see cref="Sagas.WorkflowSaga.DeadlineAt"/> has passed. The saga ignores it when its deadline
/// has moved on since (<paramref name="DeadlineAt"/> no longer equals its own), so a late or repeated one is harmless.
/// </summary>
public sealed record DeadlineExpired(Guid SagaId, DateTimeOffset DeadlineAt);
