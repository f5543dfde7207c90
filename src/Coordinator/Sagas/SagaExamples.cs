namespace Transactions.Coordinator.Sagas;

/// <summary>The body the OpenAPI document shows for <c>GET /api/sagas/{id}</c>: a bank transfer that completed.</summary>
static class SagaExamples
{
    static readonly DateTimeOffset Started = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);

    public static readonly SagaView CompletedTransfer = new(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        "bank-transfer", "Completed", IsTerminal: true, Outcome: "Transferred", Started, Started.AddSeconds(2),
        DeadlineAt: null,
        [
            new SagaStep { Name = "debit", Phase = "try", Status = SagaStepStatus.Succeeded, Attempts = 1 },
            new SagaStep { Name = "credit", Phase = "try", Status = SagaStepStatus.Succeeded, Attempts = 1 },
            new SagaStep { Name = "debit", Phase = "confirm", Status = SagaStepStatus.Succeeded, Attempts = 1 },
            new SagaStep { Name = "credit", Phase = "confirm", Status = SagaStepStatus.Succeeded, Attempts = 1 },
        ],
        [
            new SagaTransition(Started, "Initial", "Trying", "Started"),
            new SagaTransition(Started.AddSeconds(1), "Trying", "Confirming", "CreditTried"),
            new SagaTransition(Started.AddSeconds(2), "Confirming", "Completed", "CreditConfirmed"),
        ],
        AllowedActions: []);
}
