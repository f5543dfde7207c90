using Transactions.Conformance.Checks;
using Transactions.Conformance.MessageSets;
using Transactions.Conformance.Options;
using Transactions.Conformance.Rules;

namespace Transactions.UnitTests.Conformance;

/// <summary>Which checks the kit runs: a saga step gets none that sends a Confirm, and the race of its Try and Cancel.</summary>
public sealed class CheckCatalogTests
{
    static readonly MessageSet Step = BankMessageSets.Debit with { Confirm = null };

    [Fact]
    public void A_saga_step_is_checked_without_confirms_and_with_its_try_racing_its_cancel()
    {
        var names = CheckCatalog.All(Options(Step)).Select(c => c.Name).ToList();

        Assert.Equal(
            [
                "Try ×3", "Cancel ×3", "Cancel without Try", "Try after Cancel", "Try and Cancel at once", "Try ×5 at once",
                "Cancel ×5 at once", "Reorderings over 10 seeds", "Crash in the middle",
            ], names);
        Assert.All(Enumerable.Range(1, 50), seed => Assert.DoesNotContain(Phase.Confirm, ReorderingCheck.Order(seed, sagaStep: true)));
    }

    [Fact]
    public void A_tcc_branch_keeps_every_check_and_its_reorderings()
    {
        var names = CheckCatalog.All(Options(BankMessageSets.Debit)).Select(c => c.Name).ToList();

        Assert.Equal(14, names.Count);
        Assert.DoesNotContain("Try and Cancel at once", names);
        Assert.Contains(Enumerable.Range(1, 50), seed => ReorderingCheck.Order(seed).Contains(Phase.Confirm));
    }

    static KitOptions Options(MessageSet set) => new() { Broker = new Uri("amqp://localhost/"), MessageSet = set, Resource = "r" };
}
