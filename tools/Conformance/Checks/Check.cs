namespace Transactions.Conformance.Checks;

/// <summary>One line of the report: a check with its id (what <c>--checks</c> selects) and its printed name.</summary>
public abstract class Check(string id, string name)
{
    public string Id => id;
    public string Name => name;

    public abstract Task<CheckResult> RunAsync(KitContext context, CancellationToken ct);
}
