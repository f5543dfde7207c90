using MassTransit;
using MassTransit.Serialization;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Delivery;

/// <summary>Sends one outbox row to the broker as it was captured, waiting for the broker's confirmation.</summary>
static class StoredMessageSender
{
    /// <summary>
    /// Sends <paramref name="message"/>; returns when the broker confirmed it, throws when it failed or took longer than
    /// <paramref name="timeout"/>.
    /// </summary>
    public static async Task SendAsync(IBus bus, OutboxMessage message, TimeSpan timeout, TimeProvider time,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        // WaitAsync as well as the token: a caller may hold row locks, so no wait here may outlive the timeout, even
        // one that does not observe cancellation (resolving an endpoint while the broker is away).
        var endpoint = await bus.GetSendEndpoint(message.DestinationAddress).WaitAsync(deadline.Token);
        await endpoint.Send(new SerializedMessageBody(), new StoredMessageSendPipe(message, time.GetUtcNow().UtcDateTime),
                deadline.Token)
            .WaitAsync(deadline.Token);
    }

    /// <summary>True when the message's time to live ran out before it could be delivered: it is dropped, not sent.</summary>
    public static bool HasExpired(OutboxMessage message, TimeProvider time) =>
        message.ExpirationTime is { } expires && expires <= time.GetUtcNow().UtcDateTime;
}
