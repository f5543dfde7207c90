using System.ComponentModel.DataAnnotations;
using RabbitMQ.Client;

namespace Transactions.ServiceDefaults.Messaging;

/// <summary>The broker, bound from the <c>RabbitMq</c> section (environment: <c>RabbitMq__Host</c>, ...).</summary>
public sealed class RabbitMqOptions : IValidatableObject
{
    public const string Section = "RabbitMq";

    /// <summary>The broker's host; with <see cref="Hosts"/> set, not used.</summary>
    public string Host { get; set; } = "";

    /// <summary>
    /// The nodes of a RabbitMQ cluster (<c>RabbitMq__Hosts__0=rabbit1</c>, <c>__1=rabbit2:5672</c>, ...; the port
    /// defaults to <see cref="Port"/>). A service connects to the first that answers, and when the node it uses dies
    /// it reconnects to another; its queues (quorum queues) live on the others too.
    /// </summary>
    public List<string> Hosts { get; set; } = [];

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required(AllowEmptyStrings = false)]
    public string VirtualHost { get; set; } = "/";

    [Required(AllowEmptyStrings = false)]
    public string Username { get; set; } = "";

    [Required(AllowEmptyStrings = false)]
    public string Password { get; set; } = "";

    /// <summary>Port of the management plugin's HTTP API, used by reconciliation to inspect <c>_error</c> queues.</summary>
    [Range(1, 65535)]
    public int ManagementPort { get; set; } = 15672;

    /// <summary>
    /// The type of the queues this service declares for its endpoints and their <c>_error</c> and <c>_skipped</c>
    /// queues. Quorum (the default) replicates a queue over a cluster's nodes. MassTransit declares a queue it sends to
    /// without a type, so the virtual host's default queue type must be the same (see README, Running in production).
    /// </summary>
    public QueueType QueueType { get; set; } = QueueType.Quorum;

    /// <summary>The nodes to connect to, in order: <see cref="Hosts"/>, or <see cref="Host"/> alone.</summary>
    public IReadOnlyList<AmqpTcpEndpoint> Nodes() => Hosts.Count == 0
        ? [new AmqpTcpEndpoint(Host, Port)]
        : Hosts.Select(AmqpTcpEndpoint.Parse)
            .Select(n => new AmqpTcpEndpoint(n.HostName, n.Port == AmqpTcpEndpoint.UseDefaultPort ? Port : n.Port)).ToList();

    /// <summary>The nodes as one line for logs and health reports.</summary>
    public string Describe() => string.Join(", ", Nodes().Select(n => $"{n.HostName}:{n.Port}"));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Hosts.Count == 0 && string.IsNullOrWhiteSpace(Host))
            yield return new ValidationResult("Set the broker's host, or the nodes of its cluster (RabbitMq__Hosts__0, ...).",
                [nameof(Host)]);
        for (var i = 0; i < Hosts.Count; i++)
        {
            if (!IsNode(Hosts[i]))
                yield return new ValidationResult($"'{Hosts[i]}' is not a host or host:port.", [$"{nameof(Hosts)}:{i}"]);
        }
    }

    static bool IsNode(string value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Contains('/'))
            return false;
        var parts = value.Split(':');
        return parts.Length == 1 || (parts.Length == 2 && parts[0].Length > 0 && int.TryParse(parts[1], out var port) && port is > 0 and <= 65535);
    }

    /// <summary>How many messages each endpoint may hold unacknowledged.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 32;
}

/// <summary>RabbitMQ's queue types the services can declare.</summary>
public enum QueueType
{
    Quorum,
    Classic,
}
