using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>Messages in a queue's <c>_error</c> queue: put there for requeue tests, or read as a consumer's fault left them.</summary>
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

    /// <summary>
    /// Waits until <paramref name="errorQueue"/> holds <paramref name="count"/> messages, then says why each failed (see
    /// <see cref="PeekAsync"/>).
    /// </summary>
    public static async Task<Dictionary<Guid, Fault>> UntilHoldingAsync(IsolatedServices services, string errorQueue,
        int count, TimeSpan timeout)
    {
        await Eventually.Until(() => services.QueueDepthAsync(errorQueue), n => n == count, timeout,
            $"{errorQueue} holds {count} message(s)");
        return await PeekAsync(services, errorQueue, count + 1);
    }

    /// <summary>
    /// Why each of up to <paramref name="count"/> messages of <paramref name="errorQueue"/> (which stay there) failed, by
    /// the message id of its envelope, from MassTransit's fault headers.
    /// </summary>
    public static async Task<Dictionary<Guid, Fault>> PeekAsync(IsolatedServices services, string errorQueue, int count) =>
        (await PeekBodiesAsync(services, errorQueue, count)).ToDictionary(
            m => JsonDocument.Parse(m.Body).RootElement.GetProperty("messageId").GetGuid(), m => m.Fault);

    /// <summary>
    /// Up to <paramref name="count"/> messages of <paramref name="errorQueue"/> (which stay there), each as its body and
    /// why it failed: for bodies that are no envelope, or no JSON, too.
    /// </summary>
    public static async Task<List<(string Body, Fault Fault)>> PeekBodiesAsync(IsolatedServices services,
        string errorQueue, int count)
    {
        using var response = await services.Management.PostAsJsonAsync(
            $"api/queues/{services.VirtualHost}/{errorQueue}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto" });
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonElement>();
        return messages.EnumerateArray()
            .Select(m => (m.GetProperty("payload").GetString()!, FaultOf(m.GetProperty("properties").GetProperty("headers"))))
            .ToList();
    }

    static Fault FaultOf(JsonElement headers) => new(headers.GetProperty("MT-Fault-Message").GetString()!,
        headers.TryGetProperty("MT-Fault-RetryCount", out var retries) ? retries.GetInt32() : 0);
}

/// <param name="Reason">The exception's message (<c>MT-Fault-Message</c>).</param>
/// <param name="Retries">
/// How often MassTransit retried the message before giving up (<c>MT-Fault-RetryCount</c>, absent when never): 0 means
/// it failed on its one and only attempt.
/// </param>
public sealed record Fault(string Reason, int Retries);
