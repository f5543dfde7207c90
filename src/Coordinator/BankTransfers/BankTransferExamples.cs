namespace Transactions.Coordinator.BankTransfers;

/// <summary>The bodies the OpenAPI document shows for the bank transfer endpoints.</summary>
static class BankTransferExamples
{
    static readonly Guid TransferId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    public static readonly StartBankTransferRequest Start = new(TransferId, "alice", "bob", 125.50m, "EUR");

    public static readonly SagaAccepted Accepted = new(TransferId);
}
