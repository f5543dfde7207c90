using Transactions.ServiceDefaults.Messaging;

namespace Transactions.Participants.Sample.Bank.Branches;

/// <summary>
/// What a branch message must carry before the bank looks at it. A message without it can never succeed, so it is
/// rejected as <see cref="InvalidMessageException"/> (to <c>_error</c> at once, the field named) rather than retried.
/// Business reasons (an unknown account, a currency that does not match, an amount not above zero) are not checked
/// here: they are answered with a refusal, which the coordinator acts on.
/// </summary>
static class BranchMessageRules
{
    public static void Check(string messageType, Guid transferId, Guid branchId)
    {
        if (transferId == Guid.Empty)
            throw new InvalidMessageException(messageType, "transferId", "is missing");
        if (branchId.Version != 7)
            throw new InvalidMessageException(messageType, "branchId",
                branchId == Guid.Empty ? "is missing" : $"must be a version 7 UUID, not version {branchId.Version}");
    }

    public static void Check(string messageType, Guid transferId, Guid branchId, string? accountId, string? currency)
    {
        Check(messageType, transferId, branchId);
        if (string.IsNullOrWhiteSpace(accountId))
            throw new InvalidMessageException(messageType, "accountId", "is missing");
        if (string.IsNullOrWhiteSpace(currency))
            throw new InvalidMessageException(messageType, "currency", "is missing");
    }
}
