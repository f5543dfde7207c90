namespace Transactions.Coordinator.SagaActions;

/// <summary>The bodies the OpenAPI document shows for the saga action endpoints.</summary>
static class SagaActionExamples
{
    static readonly Guid SagaId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    static readonly Guid ActionId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    static readonly DateTimeOffset At = new(2026, 11, 25, 9, 45, 0, TimeSpan.Zero);

    public static readonly SagaActionRequest Request = new("Bank confirmed the outage is over (ticket OPS-1234).", false);

    public static readonly SagaActionView DryRun = new(ActionId, SagaId, "bank-transfer", SagaActionNames.Retry,
        Request.Reason!, true, "ops-alice", At, "Confirming", SagaActionStatus.DryRun,
        "Send the Confirm commands not yet answered again now, instead of at the next scheduled resend.", At);

    public static readonly SagaActionView Requested = DryRun with { DryRun = false, Status = SagaActionStatus.Requested, CompletedAt = null };

    public static readonly SagaActionView Applied = Requested with
    {
        Status = SagaActionStatus.Applied, Detail = "Resent the unanswered Confirm commands.", CompletedAt = At.AddSeconds(1),
    };
}
