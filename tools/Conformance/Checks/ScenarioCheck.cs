using Transactions.Conformance.Probe;
using Transactions.Conformance.Rules;

namespace Transactions.Conformance.Checks;

/// <summary>A check that is one <see cref="BranchScript"/>: a fixed sequence of phases on a fresh branch.</summary>
public sealed class ScenarioCheck(string id, string name, IReadOnlyList<Phase[]> setup, IReadOnlyList<Phase[]> steps)
    : Check(id, name)
{
    /// <summary>Whether the check sends <paramref name="phase"/> at all, in its set-up or its steps.</summary>
    public bool Sends(Phase phase) => setup.Concat(steps).Any(step => step.Contains(phase));

    public override async Task<CheckResult> RunAsync(KitContext context, CancellationToken ct)
    {
        try
        {
            var result = await new BranchScript(setup, steps).RunAsync(context, ct);
            return new CheckResult(result.Passed ? Verdict.Pass : Verdict.Fail, Name, result.Evidence);
        }
        catch (ProbeException e)
        {
            return CheckResult.Fail(Name, e.Message);
        }
    }
}
