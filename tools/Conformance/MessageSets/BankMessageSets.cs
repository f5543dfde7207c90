using System.Text.Json.Nodes;
using Transactions.Conformance.Rules;

namespace Transactions.Conformance.MessageSets;

/// <summary>
/// The sample bank's two branches (src/Contracts/BankTransfers, src/Participants.Sample/Bank), as the coordinator
/// speaks them. The probe is the bank's <c>GET /api/accounts/{id}</c>: <c>frozen</c> holds a tried debit,
/// <c>pendingCredit</c> a tried credit, <c>available</c> is the spendable balance.
/// </summary>
public static class BankMessageSets
{
    const string Contracts = "Transactions.Contracts.BankTransfers:";
    const string AccountUrl = "http://127.0.0.1:5081/api/accounts/{resource}";

    /// <summary>Try freezes the amount (held up, balance down), Confirm lets it leave, Cancel gives it back.</summary>
    public static readonly MessageSet Debit = new(
        "debit", "bank-debit", "transferId", "branchId",
        Messages("TryDebit", "DebitTried", "DebitRefused"),
        Messages("ConfirmDebit", "DebitConfirmed", "DebitConfirmRefused"),
        Messages("CancelDebit", "DebitCancelled", "DebitCancelRefused"),
        TryFields(), AccountUrl,
        [KeyValuePair.Create("held", "$.frozen"), KeyValuePair.Create("balance", "$.available")],
        new Dictionary<Phase, IReadOnlyDictionary<string, decimal>>
        {
            [Phase.Try] = new Dictionary<string, decimal> { ["held"] = 1, ["balance"] = -1 },
            [Phase.Confirm] = new Dictionary<string, decimal> { ["held"] = -1 },
            [Phase.Cancel] = new Dictionary<string, decimal> { ["held"] = -1, ["balance"] = 1 },
        });

    /// <summary>Try announces a pending credit (held up), Confirm makes it available, Cancel drops it.</summary>
    public static readonly MessageSet Credit = new(
        "credit", "bank-credit", "transferId", "branchId",
        Messages("TryCredit", "CreditTried", "CreditRefused"),
        Messages("ConfirmCredit", "CreditConfirmed", "CreditConfirmRefused"),
        Messages("CancelCredit", "CreditCancelled", "CreditCancelRefused"),
        TryFields(), AccountUrl,
        [KeyValuePair.Create("held", "$.pendingCredit"), KeyValuePair.Create("balance", "$.available")],
        new Dictionary<Phase, IReadOnlyDictionary<string, decimal>>
        {
            [Phase.Try] = new Dictionary<string, decimal> { ["held"] = 1 },
            [Phase.Confirm] = new Dictionary<string, decimal> { ["held"] = -1, ["balance"] = 1 },
            [Phase.Cancel] = new Dictionary<string, decimal> { ["held"] = -1 },
        });

    public static readonly IReadOnlyList<MessageSet> All = [Debit, Credit];

    static PhaseMessages Messages(string command, string succeeded, string refused) =>
        new(MessageSet.Urn(Contracts + command), MessageSet.Urn(Contracts + succeeded), MessageSet.Urn(Contracts + refused));

    static Dictionary<string, JsonNode?> TryFields() => new()
    {
        ["accountId"] = "{resource}",
        ["amount"] = "{amount}",
        ["currency"] = "EUR",
    };
}
