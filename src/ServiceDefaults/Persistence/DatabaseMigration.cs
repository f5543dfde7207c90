namespace Transactions.ServiceDefaults.Persistence;

/// <summary>
/// One registered database whose EF Core migrations the service applies; <paramref name="ConnectionName"/> names its
/// connection string (<c>ConnectionStrings:{ConnectionName}</c>).
/// </summary>
public sealed record DatabaseMigration(string Name, string ConnectionName,
    Func<IServiceProvider, CancellationToken, Task> Apply);
