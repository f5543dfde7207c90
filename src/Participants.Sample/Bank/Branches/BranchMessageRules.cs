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
        MessageFields.RequireId(messageType, "transferId", transferId);
        MessageFields.RequireBranchId(messageType, "branchId", branchId);
    }

    public static void Check(string messageType, Guid transferId, Guid branchId, string? accountId, string? currency)
    {
        Check(messageType, transferId, branchId);
        MessageFields.RequireText(messageType, "accountId", accountId);
        MessageFields.RequireText(messageType, "currency", currency);
    }
}
