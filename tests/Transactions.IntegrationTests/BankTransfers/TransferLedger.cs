using Npgsql;

namespace Transactions.IntegrationTests.BankTransfers;

/// <summary>A transfer a test started, and the state its saga ended in.</summary>
public sealed record TransferOutcome(Guid TransferId, string From, string To, decimal Amount, string State);

/// <summary>
/// Checks each transfer against the bank's ledger, not only the sum of the balances: a sum can hide a transfer reported
/// Cancelled whose money moved, balanced by a Completed one whose money did not.
/// </summary>
public static class TransferLedger
{
    /// <summary>
    /// Completed: exactly one debit of the amount settled on the source and one credit on the target, nothing released.
    /// Cancelled: no money settled either way. Every hold settled; every account's balance is its opening balance
    /// moved by its own settled ledger entries, with nothing frozen or pending.
    /// </summary>
    public static async Task AssertEachTransferMatchesItsOutcomeAsync(string bankConnectionString,
        IReadOnlyCollection<TransferOutcome> transfers, IReadOnlyDictionary<string, decimal> openingBalances)
    {
        await using var connection = new NpgsqlConnection(bankConnectionString);
        await connection.OpenAsync();

        var entries = new List<(Guid TransferId, string AccountId, string Kind, decimal Amount)>();
        await using (var command = new NpgsqlCommand(
                         "SELECT transfer_id, account_id, kind, amount FROM ledger_entries WHERE transfer_id IS NOT NULL",
                         connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                entries.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetDecimal(3)));
        var byTransfer = entries.ToLookup(e => e.TransferId);

        foreach (var transfer in transfers)
        {
            var settled = byTransfer[transfer.TransferId]
                .Where(e => e.Kind is "Debited" or "Credited" or "DebitReleased" or "CreditDropped")
                .Select(e => $"{e.Kind} {e.AccountId} {e.Amount:0.00}").Order().ToList();
            var expected = transfer.State switch
            {
                "Completed" => new[] { $"Credited {transfer.To} {transfer.Amount:0.00}", $"Debited {transfer.From} {transfer.Amount:0.00}" },
                "Cancelled" => [],
                _ => throw new Xunit.Sdk.XunitException($"transfer {transfer.TransferId} ended {transfer.State}"),
            };
            // A cancelled transfer may have released what it froze; it may not have moved money.
            if (transfer.State == "Cancelled")
                settled.RemoveAll(s => s.StartsWith("DebitReleased") || s.StartsWith("CreditDropped"));
            Assert.True(expected.SequenceEqual(settled),
                $"transfer {transfer.TransferId} ended {transfer.State} but the ledger settled [{string.Join(", ", settled)}]");
        }

        await using (var command = new NpgsqlCommand("SELECT count(*) FROM holds WHERE status = 'Held'", connection))
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);

        await using (var command = new NpgsqlCommand(
                         "SELECT account_id, available, frozen, pending_credit FROM accounts", connection))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
            {
                var account = reader.GetString(0);
                var moved = entries.Where(e => e.AccountId == account)
                    .Sum(e => e.Kind switch { "Credited" => e.Amount, "Debited" => -e.Amount, _ => 0m });
                Assert.Equal((openingBalances[account] + moved, 0m, 0m),
                    (reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3)));
            }
    }
}
