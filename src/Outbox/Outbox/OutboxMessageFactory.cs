using MassTransit;
using MassTransit.Serialization;
using MassTransit.Context;

namespace Transactions.Outbox.Outbox;

/// <summary>Turns a message MassTransit is about to send into an <see cref="OutboxMessage"/> row.</summary>
static class OutboxMessageFactory
{
    public static OutboxMessage Create<T>(SendContext<T> context, DateTime utcNow)
        where T : class
    {
        var messageId = context.MessageId
            ?? throw new MessageException(typeof(T), "A message written to the outbox needs a MessageId.");
        var destination = context.DestinationAddress
            ?? throw new MessageException(typeof(T), "A message written to the outbox needs a destination address.");

        var message = new OutboxMessage
        {
            // One conversation (a saga's workflow, an API request's follow-ups) is delivered in order.
            PartitionKey = context.ConversationId ?? messageId,
            MessageId = messageId,
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            DestinationAddress = destination,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = context.SentTime ?? utcNow,
            ExpirationTime = context.TimeToLive is { } ttl ? utcNow + ttl : null,
            ContentType = (context.ContentType ?? context.Serialization.DefaultContentType).ToString(),
            MessageType = string.Join(";", context.SupportedMessageTypes),
            Body = context.Serializer.GetMessageBody(context).GetString(),
            Headers = SystemTextJsonMessageSerializer.Instance.SerializeDictionary(context.Headers.GetAll()),
        };

        if (context is TransportSendContext<T> transport)
        {
            var properties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            transport.WritePropertiesTo(properties);
            if (properties.Count > 0)
                message.Properties = SystemTextJsonMessageSerializer.Instance.SerializeDictionary(properties);
        }
        return message;
    }
}
