namespace Transactions.ServiceDefaults.Persistence;

/// <summary>One registered database whose EF Core migrations the service applies.</summary>
public sealed record DatabaseMigration(string Name, Func<IServiceProvider, CancellationToken, Task> Apply);
