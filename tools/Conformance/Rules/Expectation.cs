namespace Transactions.Conformance.Rules;

/// <summary>
/// What the rules allow for a sequence of steps on one branch: the replies of each step and the phases that take
/// effect. A step's phases are sent at once, so each order they may be handled in is an allowed outcome; a step of
/// one phase, or of copies of one phase, has a single outcome.
/// </summary>
public sealed record Expectation(IReadOnlyList<IReadOnlyList<ReplyKind>> Replies, IReadOnlyList<Phase> Effective,
    BranchState Final)
{
    /// <summary>What the TCC rules allow.</summary>
    public static IReadOnlyList<Expectation> Of(BranchState start, IReadOnlyList<Phase[]> steps) =>
        Of(start, steps, TccRules.Apply);

    /// <param name="rules"><see cref="TccRules.Apply"/>, or <see cref="TccRules.ApplyToStep"/> for a saga step.</param>
    public static IReadOnlyList<Expectation> Of(BranchState start, IReadOnlyList<Phase[]> steps,
        Func<BranchState, Phase, TccRules.Step> rules)
    {
        var outcomes = new List<Expectation> { new([], [], start) };
        foreach (var step in steps)
            outcomes = outcomes.SelectMany(o => Orders(step).Select(order => o.Then(order, rules))).ToList();
        return outcomes.DistinctBy(o => o.Key).ToList();
    }

    Expectation Then(IReadOnlyList<Phase> order, Func<BranchState, Phase, TccRules.Step> rules)
    {
        var state = Final;
        var replies = new List<ReplyKind>();
        var effective = Effective.ToList();
        foreach (var phase in order)
        {
            var step = rules(state, phase);
            replies.Add(step.Reply);
            if (step.HasEffect)
                effective.Add(phase);
            state = step.Next;
        }
        // Replies of phases sent at once may come in any order: kept sorted, compared as a multiset.
        return new Expectation([.. Replies, replies.Order().ToList()], effective, state);
    }

    string Key => string.Join("|", Replies.Select(r => string.Join(",", r))) + "/" + string.Join(",", Effective.Order());

    static IEnumerable<IReadOnlyList<Phase>> Orders(Phase[] step) => step.Length <= 1
        ? [step]
        : step.Distinct().SelectMany(first =>
        {
            var rest = step.ToList();
            rest.Remove(first);
            return Orders([.. rest]).Select(tail => (IReadOnlyList<Phase>)[first, .. tail]);
        });
}
