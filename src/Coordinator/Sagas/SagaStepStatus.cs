namespace Transactions.Coordinator.Sagas;

/// <summary>The values of <see cref="SagaStep.Status"/>, and the moves between them that every workflow makes.</summary>
public static class SagaStepStatus
{
    public const string Pending = "Pending";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    /// <summary>Failed here, then taken by an operator as done outside the coordinator; it keeps its last error.</summary>
    public const string SettledByHand = "SettledByHand";

    /// <summary>The step's request was sent (again).</summary>
    public static SagaStep Sent(this SagaStep step)
    {
        step.Attempts++;
        return step;
    }

    public static SagaStep Succeed(this SagaStep step)
    {
        step.Status = Succeeded;
        step.LastError = null;
        return step;
    }

    public static SagaStep SettleByHand(this SagaStep step)
    {
        step.Status = SettledByHand;
        return step;
    }

    public static SagaStep Fail(this SagaStep step, string error)
    {
        step.Status = Failed;
        step.LastError = error;
        return step;
    }
}
