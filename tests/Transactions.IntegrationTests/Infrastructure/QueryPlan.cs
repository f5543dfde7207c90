using Npgsql;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>The plans PostgreSQL chooses, for tests that a query reads an index rather than the whole table.</summary>
public static class QueryPlan
{
    /// <summary>The plan of <paramref name="sql"/> with <paramref name="parameters"/> (clones: a parameter belongs to one command).</summary>
    public static async Task<string> ExplainAsync(string database, string sql, params NpgsqlParameter[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + sql, connection);
        explain.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            plan.Add(reader.GetString(0));
        return string.Join('\n', plan);
    }
}
