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

    /// <summary>How many messages each endpoint may hold unacknowledged.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 32;
}
