namespace Transactions.ServiceDefaults.Messaging;

/// <summary>
/// Checks of the fields a message cannot be handled without. A message that fails one can never succeed, so each
/// throws <see cref="InvalidMessageException"/> naming the message and the field (as on the wire): it goes to the
/// endpoint's <c>_error</c> queue at once instead of being retried. Business rules (an amount above zero, an account
/// that exists) are not checked here: they are answered, not dead-lettered.
/// </summary>
public static class MessageFields
{
    /// <summary>An id the message is correlated by (a transfer's, a booking's); a missing one reads as the empty UUID.</summary>
    public static void RequireId(string messageType, string field, Guid value)
    {
        if (value == Guid.Empty)
            throw new InvalidMessageException(messageType, field, "is missing");
    }

    /// <summary>
    /// A TCC branch id: a version 7 UUID, as the coordinator issues them, because the barrier reads the branch's age
    /// from it.
    /// </summary>
    public static void RequireBranchId(string messageType, string field, Guid value)
    {
        if (value.Version != 7)
            throw new InvalidMessageException(messageType, field,
                value == Guid.Empty ? "is missing" : $"must be a version 7 UUID, not version {value.Version}");
    }

    public static void RequireText(string messageType, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidMessageException(messageType, field, "is missing");
    }
}
