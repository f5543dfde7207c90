using System.Text.Json;
using RabbitMQ.Client;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// Messages as a client in another language publishes them: MassTransit's JSON envelope written by hand and published
/// over plain AMQP to the exchange of the message type, which the consuming endpoint binds its queue to.
/// </summary>
public static class RawMessages
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Publishes <paramref name="message"/> (its properties camelCased) and returns the envelope's message id.</summary>
    /// <param name="messageType">The contract's full name, for example <c>Transactions.Contracts.BankTransfers:DebitTried</c>.</param>
    public static async Task<Guid> PublishAsync(IsolatedServices services, string messageType, object message)
    {
        var messageId = Guid.CreateVersion7();
        var envelope = JsonSerializer.SerializeToUtf8Bytes(
            new { messageId, messageType = new[] { "urn:message:" + messageType }, message }, Json);
        await PublishAsync(services, messageType, envelope);
        return messageId;
    }

    /// <summary>Publishes <paramref name="body"/> as it is, an envelope or not, to <paramref name="exchange"/>.</summary>
    public static async Task PublishAsync(IsolatedServices services, string exchange, byte[] body)
    {
        await using var connection = await services.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json", DeliveryMode = DeliveryModes.Persistent,
        };
        await channel.BasicPublishAsync(exchange, "", false, properties, body);
    }
}
