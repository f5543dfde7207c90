using Npgsql;

namespace Transactions.Bench;

/// <summary>A further database of the run's own (beside the one named after the run), dropped at the end.</summary>
sealed class BenchDatabase : IAsyncDisposable
{
    readonly string _admin;
    readonly string _name;

    BenchDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync(BenchServers servers, string name)
    {
        var database = new BenchDatabase(servers.PostgresConnectionString("postgres"), name,
            servers.PostgresConnectionString(name));
        await database.AdminAsync($"CREATE DATABASE \"{name}\"");
        return database;
    }

    async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }
}
