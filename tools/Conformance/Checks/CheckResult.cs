namespace Transactions.Conformance.Checks;

public enum Verdict
{
    Pass,
    Fail,
    Skip,
}

/// <summary>One printed line: the verdict, the check's name and the evidence for it.</summary>
public sealed record CheckResult(Verdict Verdict, string Name, string Evidence)
{
    public static CheckResult Pass(string name, string evidence) => new(Verdict.Pass, name, evidence);
    public static CheckResult Fail(string name, string evidence) => new(Verdict.Fail, name, evidence);

    /// <summary>The check's id, set by the runner: which guarantee a failure breaks.</summary>
    public string Id { get; init; } = "";

    public override string ToString() => $"{Verdict.ToString().ToUpperInvariant()} {Name}: {Evidence}";
}
