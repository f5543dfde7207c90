namespace Transactions.ServiceDefaults.Persistence;

/// <summary>A named database's connection string, from <c>ConnectionStrings:{name}</c>.</summary>
public sealed class DatabaseConnection
{
    public string? ConnectionString { get; set; }
}
