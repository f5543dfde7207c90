using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.Coordinator.Reconciliation.Checks;

/// <summary>
/// Counts the messages in every <c>_error</c> queue of our virtual host (through the management API) and, only when
/// the caller asks, moves them back to the queue they failed in. A message is removed from the error queue only
/// after the broker confirmed its copy, so a crash mid-way duplicates at worst, and consumers are idempotent.
/// </summary>
public sealed class ErrorQueueCheck(IOptions<RabbitMqOptions> options, IOptions<ReconciliationOptions> limits,
    IHttpClientFactory http) : IReconciliationCheck
{
    const string Suffix = "_error";

    public string Name => "error-queues";

    public async Task RunAsync(ReconciliationContext context, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var client = http.CreateClient();
        client.BaseAddress = new Uri($"http://{o.Host}:{o.ManagementPort}/");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.Username}:{o.Password}")));
        var queues = await client.GetFromJsonAsync<List<QueueInfo>>(
            $"api/queues/{Uri.EscapeDataString(o.VirtualHost)}?columns=name,messages", cancellationToken) ?? [];

        var errorQueues = queues.Where(q => q.Name.EndsWith(Suffix, StringComparison.Ordinal)).ToList();
        context.Examined(Name, errorQueues.Count);
        foreach (var queue in errorQueues.Where(q => q.Messages > 0))
        {
            context.Found(Name, "error-queue", queue.Name, $"{queue.Messages} message(s) in {queue.Name}");
            if (context.DryRun || !context.Request.RequeueErrorQueues)
                continue;
            var target = queue.Name[..^Suffix.Length];
            var moved = await MoveBackAsync(queue.Name, target, limits.Value.BatchLimit, cancellationToken);
            context.Did(Name, queue.Name, $"moved {moved} message(s) back to {target}", "ok");
        }
    }

    async Task<int> MoveBackAsync(string from, string to, int limit, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var factory = new ConnectionFactory
        {
            HostName = o.Host, Port = o.Port, VirtualHost = o.VirtualHost, UserName = o.Username, Password = o.Password,
            ClientProvidedName = "reconciliation",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        var moved = 0;
        while (moved < limit)
        {
            var message = await channel.BasicGetAsync(from, autoAck: false, cancellationToken);
            if (message is null)
                break;
            var properties = new BasicProperties(message.BasicProperties);
            // Publishing to the default exchange with the queue's name routes straight to that queue; with
            // confirmation tracking on, the await returns once the broker has it.
            await channel.BasicPublishAsync("", to, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }
        return moved;
    }

    sealed record QueueInfo(string Name, long Messages);
}
