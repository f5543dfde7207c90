using Transactions.Conformance.Probe;
using Transactions.Conformance.Rules;

namespace Transactions.Conformance.Checks;

/// <summary>
/// Random deliveries of one branch: for each seed, its Try and its decision (Confirm or Cancel), some repeated,
/// sometimes with the opposite decision too, shuffled and delivered one after the other. Whatever the order, the
/// replies and the effect must be what the rules give for it. A seed's order depends on the seed alone, so a
/// failure is replayed with the same --seeds. A saga step's only decision is its Cancel.
/// </summary>
public sealed class ReorderingCheck(int seeds, bool sagaStep = false) : Check("reordering", $"Reorderings over {seeds} seeds")
{
    const int FailuresShown = 2;

    public override async Task<CheckResult> RunAsync(KitContext context, CancellationToken ct)
    {
        var failures = new List<string>();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var script = new BranchScript([], Order(seed, sagaStep).Select(p => new[] { p }).ToList());
            try
            {
                var result = await script.RunAsync(context, ct);
                if (!result.Passed)
                    failures.Add($"seed {seed} [{script}]: {result.Evidence}");
            }
            catch (ProbeException e)
            {
                failures.Add($"seed {seed} [{script}]: {e.Message}");
            }
        }
        return failures.Count == 0
            ? CheckResult.Pass(Name, $"each of {seeds} orders settled as the rules say (seed 1: {string.Join(", ", Order(1, sagaStep))})")
            : CheckResult.Fail(Name, $"{failures.Count} of {seeds} orders broke the rules; " +
                                     string.Join("; ", failures.Take(FailuresShown)));
    }

    public static IReadOnlyList<Phase> Order(int seed, bool sagaStep = false)
    {
        // A saga step has no Confirm: its decision is always its Cancel, and there is no opposite one to add.
        var random = new Random(seed);
        var decision = random.Next(2) == 0 && !sagaStep ? Phase.Confirm : Phase.Cancel;
        var phases = new List<Phase>();
        phases.AddRange(Enumerable.Repeat(Phase.Try, random.Next(1, 3)));
        phases.AddRange(Enumerable.Repeat(decision, random.Next(1, 3)));
        if (random.Next(3) == 0 && !sagaStep)
            phases.Add(decision == Phase.Confirm ? Phase.Cancel : Phase.Confirm);
        return phases.OrderBy(_ => random.Next()).ToList();
    }
}
