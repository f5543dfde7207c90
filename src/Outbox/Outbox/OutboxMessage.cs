namespace Transactions.Outbox.Outbox;

/// <summary>
/// A message sent or published inside a database transaction, stored until the delivery service has handed it to
/// the broker (then the row is deleted). Table <c>outbox_message</c>.
/// </summary>
public sealed class OutboxMessage : StoredMessage;
