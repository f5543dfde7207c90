using Transactions.Conformance.Options;
using static Transactions.Conformance.Rules.Phase;

namespace Transactions.Conformance.Checks;

/// <summary>Every check, in the order they run and print. Ids are those of <c>--checks</c>.</summary>
public static class CheckCatalog
{
    /// <summary>Each check id with the guarantee its checks test, named in the summary when one fails.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Guarantees =
    [
        new("repeat", "idempotency"),
        new("null-compensation", "null compensation"),
        new("confirm-without-try", "no Confirm without Try"),
        new("anti-hanging", "anti-hanging"),
        new("exclusion", "Confirm/Cancel exclusion"),
        new("concurrent-duplicates", "idempotency under concurrent duplicates"),
        new("reordering", "the rules in any delivery order"),
        new("crash", "one effect across a crash"),
    ];

    public static IEnumerable<string> Ids => Guarantees.Select(g => g.Key);

    public static string GuaranteeOf(string id) => Guarantees.Single(g => g.Key == id).Value;

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
