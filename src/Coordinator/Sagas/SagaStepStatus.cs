namespace Transactions.Coordinator.Sagas;

/// <summary>The values of <see cref="SagaStep.Status"/>, and the moves between them that every workflow makes.</summary>
public static class SagaStepStatus
{
    public const string Pending = "Pending";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

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

    public static SagaStep Fail(this SagaStep step, string error)
    {
        step.Status = Failed;
        step.LastError = error;
        return step;
    }
}
