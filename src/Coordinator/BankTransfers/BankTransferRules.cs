using Transactions.Contracts.BankTransfers;
using Transactions.ServiceDefaults.Http;

namespace Transactions.Coordinator.BankTransfers;

/// <summary>What makes a transfer request valid, for the REST API and for commands arriving on the bus alike.</summary>
public static class BankTransferRules
{
    public static RequestRules Check(string? fromAccount, string? toAccount, decimal? amount, string? currency) =>
        new RequestRules()
            .Required("fromAccount", fromAccount)
            .Required("toAccount", toAccount)
            .Check(fromAccount is null || fromAccount != toAccount, "toAccount", "Must differ from fromAccount.")
            .Money("amount", amount)
            .Currency("currency", currency);

    public static RequestRules Check(StartBankTransfer m) => Check(m.FromAccount, m.ToAccount, m.Amount, m.Currency);

    /// <summary>The first failure, as one line, for a saga's outcome.</summary>
    public static string Describe(RequestRules rules) =>
        string.Join("; ", rules.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
