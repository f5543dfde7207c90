using Npgsql;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// The books of <see cref="NoBarrierParticipant"/>: accounts with a spendable and a frozen amount, and the holds its
/// Trys made. Each phase does its business change and nothing else: no record of which phases a branch has seen.
/// </summary>
public sealed class NoBarrierLedger(string connectionString)
{
    public async Task CreateAsync(string account, decimal available)
    {
        await ExecuteAsync("""
            CREATE TABLE accounts (account_id text PRIMARY KEY, available numeric NOT NULL, frozen numeric NOT NULL);
            CREATE TABLE holds (branch_id uuid NOT NULL, account_id text NOT NULL, amount numeric NOT NULL);
            INSERT INTO accounts VALUES (@account, @available, 0);
            """, ("account", account), ("available", available));
    }

    /// <summary>Freezes the amount, however often the same branch is tried and whether or not it was cancelled.</summary>
    public Task TryAsync(Guid branchId, string account, decimal amount) => ExecuteAsync("""
        INSERT INTO holds VALUES (@branch, @account, @amount);
        UPDATE accounts SET available = available - @amount, frozen = frozen + @amount WHERE account_id = @account;
        """, ("branch", branchId), ("account", account), ("amount", amount));

    /// <summary>Lets the held amount leave, on every Confirm it gets, cancelled or not.</summary>
    public Task ConfirmAsync(Guid branchId) => ExecuteAsync("""
        UPDATE accounts a SET frozen = a.frozen - h.amount
        FROM (SELECT account_id, amount FROM holds WHERE branch_id = @branch LIMIT 1) h WHERE a.account_id = h.account_id;
        """, ("branch", branchId));

    /// <summary>Gives the held amount back, on every Cancel it gets, confirmed or not.</summary>
    public Task CancelAsync(Guid branchId) => ExecuteAsync("""
        UPDATE accounts a SET frozen = a.frozen - h.amount, available = a.available + h.amount
        FROM (SELECT account_id, amount FROM holds WHERE branch_id = @branch LIMIT 1) h WHERE a.account_id = h.account_id;
        """, ("branch", branchId));

    public async Task<object?> AccountAsync(string account)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT available, frozen FROM accounts WHERE account_id = @account", connection);
        command.Parameters.AddWithValue("account", account);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new { accountId = account, available = reader.GetDecimal(0), frozen = reader.GetDecimal(1) }
            : null;
    }

    async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            batch.Parameters.AddWithValue(name, value);
        await batch.ExecuteNonQueryAsync();
    }
}
