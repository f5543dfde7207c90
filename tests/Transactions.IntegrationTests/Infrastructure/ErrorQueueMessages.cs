using System.Text;
using RabbitMQ.Client;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>Messages left in a queue's <c>_error</c> queue, as a consumer's fault leaves them, for requeue tests.</summary>
public static class ErrorQueueMessages
{
    /// <summary>
    /// Declares <paramref name="queue"/> and its <c>_error</c> queue and puts there a MassTransit envelope first sent at
    /// <paramref name="sentTime"/> (UTC).
    /// </summary>
    public static async Task PutAsync(IChannel channel, string queue, DateTime sentTime)
    {
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(queue + "_error", durable: true, exclusive: false, autoDelete: false);
        await channel.BasicPublishAsync("", queue + "_error", Encoding.UTF8.GetBytes(
            $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["urn:message:Probe"],"message":{},"sentTime":"{{sentTime:O}}"}"""));
    }
}
