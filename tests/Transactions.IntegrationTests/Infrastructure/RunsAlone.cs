namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that start several service processes and load them for minutes. They run after the others, one at a time:
/// beside another test on the machine's two cores they starve it (a 200-transfer test next to the scale-out test saw
/// a debit's Try take 22 s) and the assertion that fails is about the load, not about the product.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone";
}
