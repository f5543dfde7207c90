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

    /// <summary>
    /// The checks for the participant's message set. A saga step has no Confirm: the checks that send one are left
    /// out, and the race that matters for it, its Try against its Cancel, is checked instead of Confirm against Cancel.
    /// </summary>
    public static IEnumerable<Check> All(KitOptions options)
    {
        var step = options.MessageSet.IsSagaStep;
        var k = options.Duplicates;
        List<ScenarioCheck> scenarios =
        [
            new("repeat", "Try ×3", [], [[Try], [Try], [Try]]),
            new("repeat", "Confirm ×3", [[Try]], [[Confirm], [Confirm], [Confirm]]),
            new("repeat", "Cancel ×3", [[Try]], [[Cancel], [Cancel], [Cancel]]),
            new("null-compensation", "Cancel without Try", [], [[Cancel]]),
            new("confirm-without-try", "Confirm without Try", [], [[Confirm]]),
            new("anti-hanging", "Try after Cancel", [[Cancel]], [[Try]]),
            .. step ? [new ScenarioCheck("anti-hanging", "Try and Cancel at once", [], [[Try, Cancel]])] : Array.Empty<ScenarioCheck>(),
            new("exclusion", "Cancel after Confirm", [[Try], [Confirm]], [[Cancel]]),
            new("exclusion", "Confirm after Cancel", [[Try], [Cancel]], [[Confirm]]),
            new("exclusion", "Confirm and Cancel at once", [[Try]], [[Confirm, Cancel]]),
            new("concurrent-duplicates", $"Try ×{k} at once", [], [Enumerable.Repeat(Try, k).ToArray()]),
            new("concurrent-duplicates", $"Confirm ×{k} at once", [[Try]], [Enumerable.Repeat(Confirm, k).ToArray()]),
            new("concurrent-duplicates", $"Cancel ×{k} at once", [[Try]], [Enumerable.Repeat(Cancel, k).ToArray()]),
        ];
        foreach (var scenario in scenarios.Where(s => !step || !s.Sends(Confirm)))
            yield return scenario;
        if (options.Seeds > 0)
            yield return new ReorderingCheck(options.Seeds, step);
        yield return new CrashCheck();
    }
}
