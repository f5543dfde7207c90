using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Transactions.Conformance.MessageSets;
using Transactions.Conformance.Rules;

namespace Transactions.Conformance.Wire;

/// <summary>
/// The kit's connection to the participant's broker: it sends each phase's command straight to the participant's
/// queue and reads the replies from a temporary queue of its own, bound to the fanout exchange of every reply type
/// (replies are published, as the coordinator expects them, not sent to the kit).
/// </summary>
public sealed class BrokerSession : IAsyncDisposable
{
    readonly IConnection _connection;
    readonly IChannel _publisher;
    readonly IChannel _listener;
    readonly MessageSet _set;
    readonly TimeSpan _confirmTimeout;

    BrokerSession(IConnection connection, IChannel publisher, IChannel listener, MessageSet set, ReplyInbox inbox,
        TimeSpan confirmTimeout)
    {
        _connection = connection;
        _publisher = publisher;
        _listener = listener;
        _set = set;
        _confirmTimeout = confirmTimeout;
        Inbox = inbox;
    }

    public ReplyInbox Inbox { get; }

    /// <param name="confirmTimeout">How long the broker may take to confirm that it took a command.</param>
    /// <exception cref="SetupException">The broker is unreachable or the participant's queue does not exist.</exception>
    public static async Task<BrokerSession> OpenAsync(Uri broker, MessageSet set, TimeSpan confirmTimeout,
        CancellationToken ct)
    {
        IConnection connection;
        try
        {
            connection = await new ConnectionFactory { Uri = broker, ClientProvidedName = "transactions-conformance-kit" }
                .CreateConnectionAsync(ct);
        }
        catch (BrokerUnreachableException e)
        {
            throw new SetupException($"The broker {Redacted(broker)} is unreachable: {e.InnerException?.Message ?? e.Message}");
        }

        await EnsureQueueExistsAsync(connection, set.Queue, broker, ct);
        var listener = await connection.CreateChannelAsync(cancellationToken: ct);
        var inbox = new ReplyInbox();
        var queue = (await listener.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true,
            cancellationToken: ct)).QueueName;
        foreach (var urn in set.ReplyUrns)
        {
            // Declared as MassTransit declares them, so that this works before the participant's first publish too.
            await listener.ExchangeDeclareAsync(MessageSet.ExchangeOf(urn), ExchangeType.Fanout, durable: true,
                autoDelete: false, cancellationToken: ct);
            await listener.QueueBindAsync(queue, MessageSet.ExchangeOf(urn), "", cancellationToken: ct);
        }
        var consumer = new AsyncEventingBasicConsumer(listener);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            if (Envelope.Read(delivery.Body.Span, set, out var problem) is { } reply)
                inbox.Add(reply);
            else
                inbox.AddUnreadable(problem!);
            return Task.CompletedTask;
        };
        await listener.BasicConsumeAsync(queue, autoAck: true, consumer, ct);

        // Confirmed and mandatory: a command the broker did not take, or could not route to the queue, is an error
        // here rather than a missing reply later.
        var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
        return new BrokerSession(connection, publisher, listener, set, inbox, confirmTimeout);
    }

    /// <summary>Sends the command of <paramref name="phase"/> for the branch, with a new message id.</summary>
    public async Task SendAsync(Phase phase, BranchIds ids, string resource, decimal amount, CancellationToken ct)
    {
        Inbox.Watch(ids.BranchId);
        var message = new JsonObject
        {
            [_set.TransactionIdField] = ids.TransactionId.ToString(),
            [_set.BranchIdField] = ids.BranchId.ToString(),
        };
        if (phase == Phase.Try)
            foreach (var (name, value) in _set.TryFields)
                message[name] = Fill(value, resource, amount);
        var messageId = Guid.CreateVersion7();
        var body = Envelope.Write(messageId, ids.TransactionId, _set.Of(phase).Command, message);
        var properties = new BasicProperties
        {
            ContentType = Envelope.ContentType,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = messageId.ToString(),
        };
        using var confirmed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        confirmed.CancelAfter(_confirmTimeout);
        try
        {
            // The default exchange routes by queue name: this reaches the participant's queue whatever it binds.
            await _publisher.BasicPublishAsync("", _set.Queue, mandatory: true, properties, body, confirmed.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new SetupException($"The broker did not confirm {MessageSet.ShortName(_set.Of(phase).Command)} " +
                                     $"within {_confirmTimeout.TotalSeconds:0.#} s: is it blocked (a memory or disk alarm)?");
        }
        catch (PublishException e)
        {
            throw new SetupException(e.IsReturn
                ? $"The broker could not route {MessageSet.ShortName(_set.Of(phase).Command)} to queue {_set.Queue}: is it gone?"
                : $"The broker refused {MessageSet.ShortName(_set.Of(phase).Command)} for queue {_set.Queue}.");
        }
    }

    static JsonNode? Fill(JsonNode? value, string resource, decimal amount) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && text is "{resource}" or "{amount}"
            ? text == "{resource}" ? JsonValue.Create(resource) : JsonValue.Create(amount)
            : value?.DeepClone();

    static async Task EnsureQueueExistsAsync(IConnection connection, string queue, Uri broker, CancellationToken ct)
    {
        // A passive declare that fails closes its channel, hence a channel of its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, ct);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            throw new SetupException($"Queue {queue} does not exist on {Redacted(broker)}: is the participant running " +
                                     "against this broker and virtual host, and is --queue its endpoint?");
        }
    }

    /// <summary>The broker URL without its password, for messages.</summary>
    public static string Redacted(Uri broker) =>
        new UriBuilder(broker) { Password = broker.UserInfo.Contains(':') ? "***" : "" }.Uri.ToString();

    public async ValueTask DisposeAsync()
    {
        await _publisher.DisposeAsync();
        await _listener.DisposeAsync();
        await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>The kit cannot run its checks at all (broker, queue, probe, options); the message says why.</summary>
public sealed class SetupException(string message) : Exception(message);
