using System.Diagnostics;
using Npgsql;

namespace Transactions.Bench.Transfers;

/// <summary>
/// The same transfers without any coordination: debit, credit and their two ledger rows in one local PostgreSQL
/// transaction on the bank's own tables, the lower bound of what a transfer costs.
/// </summary>
static class LocalTransactionBaseline
{
    const string Transfer = """
        UPDATE accounts SET available = available - @amount WHERE account_id = @from AND available >= @amount;
        UPDATE accounts SET available = available + @amount WHERE account_id = @to;
        INSERT INTO ledger_entries (account_id, kind, amount, available, frozen, pending_credit, at)
            SELECT account_id, 'Debited', @amount, available, frozen, pending_credit, now() FROM accounts WHERE account_id = @from;
        INSERT INTO ledger_entries (account_id, kind, amount, available, frozen, pending_credit, at)
            SELECT account_id, 'Credited', @amount, available, frozen, pending_credit, now() FROM accounts WHERE account_id = @to;
        """;

    public static async Task<double> TransfersPerSecondAsync(string connectionString,
        IReadOnlyList<(string From, string To, decimal Amount)> transfers, int concurrency)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(transfers, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (t, ct) =>
        {
            // Accounts locked in name order, as any careful local implementation would, so transfers do not deadlock.
            var (first, second) = string.CompareOrdinal(t.From, t.To) < 0 ? (t.From, t.To) : (t.To, t.From);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var lockRows = new NpgsqlCommand(
                "SELECT 1 FROM accounts WHERE account_id IN (@first, @second) ORDER BY account_id FOR UPDATE", connection, transaction))
            {
                lockRows.Parameters.AddWithValue("first", first);
                lockRows.Parameters.AddWithValue("second", second);
                await lockRows.ExecuteNonQueryAsync(ct);
            }
            await using (var command = new NpgsqlCommand(Transfer, connection, transaction))
            {
                command.Parameters.AddWithValue("amount", t.Amount);
                command.Parameters.AddWithValue("from", t.From);
                command.Parameters.AddWithValue("to", t.To);
                await command.ExecuteNonQueryAsync(ct);
            }
            await transaction.CommitAsync(ct);
        });
        return transfers.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
