using System.ComponentModel.DataAnnotations;

namespace Transactions.ServiceDefaults.Messaging;

/// <summary>The broker, bound from the <c>RabbitMq</c> section (environment: <c>RabbitMq__Host</c>, ...).</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required(AllowEmptyStrings = false)]
    public string Host { get; set; } = "";

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
