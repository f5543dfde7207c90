using MassTransit;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;
using Transactions.Outbox.Outbox;

namespace Transactions.Outbox.Delivery;

/// <summary>An outbox row as MassTransit's <see cref="OutboxMessageSendPipe"/> reads it to rebuild the original send.</summary>
sealed class StoredMessageContext(OutboxMessage row) : OutboxMessageContext
{
    static readonly IReadOnlyDictionary<string, object> NoProperties = new Dictionary<string, object>();

    readonly Headers _headers = new DictionarySendHeaders(
        SystemTextJsonMessageSerializer.Instance.DeserializeDictionary<object?>(row.Headers));

    public long SequenceNumber => row.SequenceNumber;
    public Guid MessageId => row.MessageId;
    public string ContentType => row.ContentType;
    public string MessageType => row.MessageType;
    public string Body => row.Body;

    public IReadOnlyDictionary<string, object> Properties { get; } =
        SystemTextJsonMessageSerializer.Instance.DeserializeDictionary<object>(row.Properties) ?? NoProperties;

    Guid? MessageContext.MessageId => row.MessageId;
    public Guid? RequestId => row.RequestId;
    public Guid? CorrelationId => row.CorrelationId;
    public Guid? ConversationId => row.ConversationId;
    public Guid? InitiatorId => row.InitiatorId;
    public DateTime? ExpirationTime => row.ExpirationTime;
    public Uri? SourceAddress => row.SourceAddress;
    public Uri DestinationAddress => row.DestinationAddress;
    public Uri? ResponseAddress => row.ResponseAddress;
    public Uri? FaultAddress => row.FaultAddress;
    public DateTime? SentTime => row.SentTime;
    public Headers Headers => _headers;
    public HostInfo Host => HostMetadataCache.Host;
}
