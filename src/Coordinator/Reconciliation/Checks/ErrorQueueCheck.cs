using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Transactions.Outbox.Inbox;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.Coordinator.Reconciliation.Checks;

/// <summary>
/// Counts the messages in every <c>_error</c> queue of our virtual host (through the management API) and, only when
/// the caller asks, moves them back to the queue they failed in. A message is removed from the error queue only
/// after the broker confirmed its copy, so a crash mid-way duplicates at worst, and consumers are idempotent: within
/// the inbox retention. A message sent longer ago than that stays in the error queue unless the run is forced.
/// </summary>
public sealed class ErrorQueueCheck(IOptions<RabbitMqOptions> options, IOptions<ReconciliationOptions> limits,
    IHttpClientFactory http, InboxRetentionGuard inbox) : IReconciliationCheck
{
    const string Suffix = "_error";

    public string Name => "error-queues";

    public async Task RunAsync(ReconciliationContext context, CancellationToken cancellationToken)
    {
        var queues = await QueueNamesAsync(cancellationToken);
        var errorQueues = queues.Select(q => q.Name).Where(n => n.EndsWith(Suffix, StringComparison.Ordinal)).ToList();
        context.Examined(Name, errorQueues.Count);
        if (errorQueues.Count == 0)
            return;

        await using var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        foreach (var queue in errorQueues)
        {
            var count = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
            if (count == 0)
                continue;
            context.Found(Name, "error-queue", queue, $"{count} message(s) in {queue}");
            if (context.DryRun || !context.Request.RequeueErrorQueues)
                continue;
            var target = queue[..^Suffix.Length];
            var (moved, kept) = await MoveBackAsync(channel, queue, target, limits.Value.BatchLimit,
                context.Request.Force, cancellationToken);
            context.Did(Name, queue, $"moved {moved} message(s) back to {target}", "ok");
            if (kept is { } oldest)
                context.Did(Name, queue, $"kept {oldest.Count} message(s) in {queue}. The oldest was not requeued: " +
                    $"{inbox.Refusal(oldest.SentAt)} Once you have checked they were not consumed, run again with " +
                    "requeueErrorQueues=true&force=true to move them too.", "refused");
        }
    }

    /// <summary>
    /// The queues of our virtual host, from the management API of the first node that answers: any node's API reports
    /// the whole cluster's queues, and a node that is down must not stop the check. Nodes are tried by host name at
    /// <see cref="RabbitMqOptions.ManagementPort"/> (nodes on one host share the first one's API).
    /// </summary>
    async Task<List<QueueInfo>> QueueNamesAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var hosts = o.Nodes().Select(n => n.HostName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        for (var i = 0; ; i++)
        {
            using var client = http.CreateClient();
            client.BaseAddress = new Uri($"http://{hosts[i]}:{o.ManagementPort}/");
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.Username}:{o.Password}")));
            try
            {
                // The management API names the queues; its message counts lag by its statistics interval, so the
                // count comes from the broker itself (a passive declare).
                return await client.GetFromJsonAsync<List<QueueInfo>>(
                    $"api/queues/{Uri.EscapeDataString(o.VirtualHost)}?columns=name", cancellationToken) ?? [];
            }
            catch (HttpRequestException) when (i < hosts.Count - 1)
            {
                // This node's API is away: the next node's answers for the cluster.
            }
        }
    }

    Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        return new ConnectionFactory
        {
            VirtualHost = o.VirtualHost, UserName = o.Username, Password = o.Password,
            ClientProvidedName = "reconciliation",
        }.CreateConnectionAsync(o.Nodes().ToList(), cancellationToken);
    }

    /// <returns>
    /// How many messages moved, and, when some were kept for being older than the inbox retention, how many and when
    /// the oldest of them was sent.
    /// </returns>
    async Task<(int Moved, (int Count, DateTimeOffset SentAt)? Kept)> MoveBackAsync(IChannel channel, string from,
        string to, int limit, bool force, CancellationToken cancellationToken)
    {
        var moved = 0;
        var kept = new List<(ulong DeliveryTag, DateTimeOffset SentAt)>();
        while (moved + kept.Count < limit)
        {
            var message = await channel.BasicGetAsync(from, autoAck: false, cancellationToken);
            if (message is null)
                break;
            if (!force && SentAt(message) is { } sentAt && inbox.Forgets(sentAt))
            {
                // Held unacknowledged until the end, so the next get reads past it; then given back to the queue.
                kept.Add((message.DeliveryTag, sentAt));
                continue;
            }
            var properties = new BasicProperties(message.BasicProperties);
            // Publishing to the default exchange with the queue's name routes straight to that queue; with
            // confirmation tracking on, the await returns once the broker has it.
            await channel.BasicPublishAsync("", to, mandatory: true, properties, message.Body, cancellationToken);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }
        foreach (var (deliveryTag, _) in kept)
            await channel.BasicNackAsync(deliveryTag, multiple: false, requeue: true, cancellationToken);
        return (moved, kept.Count == 0 ? null : (kept.Count, kept.Min(k => k.SentAt)));
    }

    /// <summary>
    /// When the message was first sent: the <c>sentTime</c> of MassTransit's envelope, else the AMQP timestamp; null
    /// when it carries neither, and nothing then shows it to be old.
    /// </summary>
    static DateTimeOffset? SentAt(BasicGetResult message)
    {
        try
        {
            using var envelope = JsonDocument.Parse(message.Body);
            if (envelope.RootElement.ValueKind == JsonValueKind.Object &&
                envelope.RootElement.TryGetProperty("sentTime", out var sentTime) &&
                sentTime.TryGetDateTimeOffset(out var sent))
                return sent;
        }
        catch (JsonException)
        {
            // Not JSON: only the AMQP timestamp can tell.
        }
        return message.BasicProperties.IsTimestampPresent()
            ? DateTimeOffset.FromUnixTimeSeconds(message.BasicProperties.Timestamp.UnixTime)
            : null;
    }

    sealed record QueueInfo(string Name);
}
