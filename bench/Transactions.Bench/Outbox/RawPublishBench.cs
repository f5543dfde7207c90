using System.Diagnostics;
using RabbitMQ.Client;

namespace Transactions.Bench.Outbox;

/// <summary>
/// The broker's own ceiling for the same work: persistent messages of the same size published with publisher
/// confirms to a durable queue, with as many unconfirmed at once as the outbox's delivery batch.
/// </summary>
public static class RawPublishBench
{
    public static async Task<double> MessagesPerSecondAsync(BenchServers servers, int messages, int bodySize,
        int outstanding)
    {
        var factory = new ConnectionFactory
        {
            HostName = servers.Amqp.Host,
            Port = servers.Amqp.Port,
            VirtualHost = servers.Name,
            UserName = servers.RabbitUser,
            Password = servers.RabbitPassword,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        const string queue = "raw-publish";
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);

        var body = new byte[bodySize];
        Array.Fill(body, (byte)'x');
        var properties = new BasicProperties { Persistent = true, ContentType = "application/vnd.masstransit+json" };
        using var window = new SemaphoreSlim(outstanding);
        var started = Stopwatch.StartNew();
        var publishes = new List<Task>(messages);
        for (var i = 0; i < messages; i++)
        {
            await window.WaitAsync();
            publishes.Add(PublishAsync());
        }
        await Task.WhenAll(publishes);
        var rate = messages / started.Elapsed.TotalSeconds;
        await channel.QueueDeleteAsync(queue);
        return rate;

        async Task PublishAsync()
        {
            try
            {
                // Completes when the broker confirms the message (confirmation tracking is on).
                await channel.BasicPublishAsync("", queue, mandatory: false, properties, body);
            }
            finally
            {
                window.Release();
            }
        }
    }
}
