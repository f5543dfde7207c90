using Transactions.Conformance.Options;
using static Transactions.Conformance.Rules.Phase;

namespace Transactions.Conformance.Checks;

/// <summary>Every check, in the order they run and print. Ids are those of <c>--checks</c>.</summary>
public static class CheckCatalog
{
    public static IEnumerable<Check> All(KitOptions options)
    {
        var k = options.Duplicates;
        yield return new ScenarioCheck("repeat", "Try ×3", [], [[Try], [Try], [Try]]);
        yield return new ScenarioCheck("repeat", "Confirm ×3", [[Try]], [[Confirm], [Confirm], [Confirm]]);
        yield return new ScenarioCheck("repeat", "Cancel ×3", [[Try]], [[Cancel], [Cancel], [Cancel]]);
        yield return new ScenarioCheck("null-compensation", "Cancel without Try", [], [[Cancel]]);
        yield return new ScenarioCheck("confirm-without-try", "Confirm without Try", [], [[Confirm]]);
        yield return new ScenarioCheck("anti-hanging", "Try after Cancel", [[Cancel]], [[Try]]);
        yield return new ScenarioCheck("exclusion", "Cancel after Confirm", [[Try], [Confirm]], [[Cancel]]);
        yield return new ScenarioCheck("exclusion", "Confirm after Cancel", [[Try], [Cancel]], [[Confirm]]);
        yield return new ScenarioCheck("exclusion", "Confirm and Cancel at once", [[Try]], [[Confirm, Cancel]]);
        yield return new ScenarioCheck("concurrent-duplicates", $"Try ×{k} at once", [], [Enumerable.Repeat(Try, k).ToArray()]);
        yield return new ScenarioCheck("concurrent-duplicates", $"Confirm ×{k} at once", [[Try]], [Enumerable.Repeat(Confirm, k).ToArray()]);
        yield return new ScenarioCheck("concurrent-duplicates", $"Cancel ×{k} at once", [[Try]], [Enumerable.Repeat(Cancel, k).ToArray()]);
        if (options.Seeds > 0)
            yield return new ReorderingCheck(options.Seeds);
        yield return new CrashCheck();
    }
}
