using Npgsql;
using Transactions.Coordinator.BankTransfers;
using Transactions.Coordinator.Sagas;
using Transactions.IntegrationTests.BankTransfers;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>What the transfers and every saga's history must show once every saga has ended.</summary>
public static class TransferChecks
{
    /// <summary>
    /// Every transfer Completed or Cancelled, the ones that asked too much refused for it; each settled at the bank as
    /// its saga says (<see cref="TransferLedger"/>); the money all there, none frozen or pending.
    /// </summary>
    public static async Task AssertAsync(IReadOnlyList<PlannedTransfer> planned, IReadOnlyList<BankTransferState> sagas,
        string bankDatabase, ITestOutputHelper output)
    {
        var byId = sagas.ToDictionary(s => s.CorrelationId);
        Assert.Equal(planned.Count, sagas.Count);
        // Refused for the funds, or, on a machine slow enough, cancelled at the Try deadline first: never completed.
        foreach (var transfer in planned.Where(t => t.MustBeRefused))
        {
            var saga = byId[transfer.TransferId];
            Assert.True(saga.CurrentState == "Cancelled",
                $"transfer {transfer.TransferId} of {transfer.Amount} ended {saga.CurrentState}: {saga.Outcome}");
        }
        await TransferLedger.AssertEachTransferMatchesItsOutcomeAsync(bankDatabase,
            planned.Select(t => new TransferOutcome(t.TransferId, t.From, t.To, t.Amount, byId[t.TransferId].CurrentState))
                .ToList(),
            Workload.Accounts.ToDictionary(a => a, _ => Workload.OpeningBalance));

        await using var connection = new NpgsqlConnection(bankDatabase);
        await connection.OpenAsync();
        await using var totals = new NpgsqlCommand(
            "SELECT count(*), sum(available), sum(frozen), sum(pending_credit) FROM accounts", connection);
        await using var reader = await totals.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((Workload.Accounts.Length, Workload.Accounts.Length * Workload.OpeningBalance, 0m, 0m),
            (reader.GetInt64(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3)));

        var refusedForFunds = sagas.Count(s => s.Outcome?.Contains("Insufficient funds") == true);
        output.WriteLine("transfers: " + string.Join(", ", sagas.GroupBy(s => s.CurrentState).OrderBy(g => g.Key)
            .Select(g => $"{g.Count()} {g.Key}")) + $"; {refusedForFunds} refused for the funds, " +
            $"{sagas.Count(PassedTryDeadline)} cancelled at their Try deadline");
        Assert.True(refusedForFunds > 0, "no transfer was refused for the funds");
        Assert.Contains(sagas, s => s.CurrentState == "Completed");
    }

    /// <summary>
    /// Every state change of the saga is in its history once, in order: each transition leaves the state the one
    /// before entered, the last entered is the current state, and no state is entered twice (without an operator, no
    /// workflow here returns to a state). A change lost to a concurrent write, or a deadline or answer applied twice by
    /// two coordinators, breaks the chain.
    /// </summary>
    public static void AssertHistoryIsOneChain(WorkflowSaga saga)
    {
        var from = "Initial";
        foreach (var transition in saga.History)
        {
            Assert.True(transition.From == from, $"saga {saga.CorrelationId}: {Describe(saga)}");
            from = transition.To;
        }
        Assert.True(from == saga.CurrentState && saga.History.Select(t => t.To).Distinct().Count() == saga.History.Count,
            $"saga {saga.CorrelationId} in {saga.CurrentState}: {Describe(saga)}");
    }

    static bool PassedTryDeadline(BankTransferState saga) =>
        saga.History.Any(t => t is { From: "Trying", Event: "DeadlinePassed" });

    static string Describe(WorkflowSaga saga) =>
        string.Join(" -> ", saga.History.Select(t => $"{t.From}>{t.To} ({t.Event} {t.At:HH:mm:ss.fff})"));
}
