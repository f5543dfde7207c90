namespace Transactions.Outbox.Delivery;

/// <summary>A delivery round took messages but the broker accepted none of them.</summary>
public sealed class OutboxDeliveryException(int taken, Exception? cause)
    : Exception($"None of {taken} outbox messages could be delivered: {cause?.Message}", cause);
