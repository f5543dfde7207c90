using System.Net.Mime;
using MassTransit;
using MassTransit.Context;
using MassTransit.Serialization;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Delivery;

/// <summary>
/// Rebuilds the original send from an outbox row. The stored body is the complete MassTransit envelope written when
/// the message was captured, so it goes out byte for byte: no parse and re-serialise per message, which would cost
/// more CPU than everything else delivery does.
/// </summary>
sealed class StoredMessageSendPipe(OutboxMessage row, DateTime utcNow) : IPipe<SendContext>
{
    public Task Send(SendContext context)
    {
        context.MessageId = row.MessageId;
        context.RequestId = row.RequestId;
        context.ConversationId = row.ConversationId;
        context.CorrelationId = row.CorrelationId;
        context.InitiatorId = row.InitiatorId;
        context.SourceAddress = row.SourceAddress;
        context.ResponseAddress = row.ResponseAddress;
        context.FaultAddress = row.FaultAddress;
        context.SupportedMessageTypes = row.MessageType.Split(';');
        if (row.ExpirationTime is { } expires)
            context.TimeToLive = expires - utcNow;

        if (SystemTextJsonMessageSerializer.Instance.DeserializeDictionary<object>(row.Headers) is { Count: > 0 } headers)
            foreach (var (key, value) in headers)
                context.Headers.Set(key, value);
        if (context is TransportSendContext transport
            && SystemTextJsonMessageSerializer.Instance.DeserializeDictionary<object>(row.Properties) is { Count: > 0 } properties)
            transport.ReadPropertiesFrom(properties);

        var serializer = new StoredBodySerializer(new ContentType(row.ContentType), new StringMessageBody(row.Body));
        context.ContentType = serializer.ContentType;
        context.Serializer = serializer;
        return Task.CompletedTask;
    }

    public void Probe(ProbeContext context)
    {
    }

    /// <summary>Hands MassTransit the body as it was stored.</summary>
    sealed class StoredBodySerializer(ContentType contentType, MessageBody body) : IMessageSerializer
    {
        public ContentType ContentType => contentType;

        public MessageBody GetMessageBody<T>(SendContext<T> context)
            where T : class => body;
    }
}
