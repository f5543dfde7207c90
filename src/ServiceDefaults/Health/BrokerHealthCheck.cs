using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.ServiceDefaults.Health;

/// <summary>
/// Ready only while the configured broker accepts an AMQP connection to our virtual host. MassTransit's own check
/// speaks for its receive endpoints; this one also covers a service that only sends, and says why the broker is
/// unreachable. Each probe opens and closes a connection: a cached one can look open long after the broker dropped it.
/// </summary>
internal sealed class BrokerHealthCheck(IOptions<RabbitMqOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var factory = new ConnectionFactory
        {
            HostName = o.Host, Port = o.Port, VirtualHost = o.VirtualHost, UserName = o.Username, Password = o.Password,
            AutomaticRecoveryEnabled = false, RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            ClientProvidedName = "health-check",
        };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var connection = await factory.CreateConnectionAsync(timeout.Token);
            // The broker refuses an unknown vhost only after the handshake returns; a channel proves we are in.
            await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
            await connection.CloseAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy(
                $"RabbitMQ at {o.Host}:{o.Port} vhost '{o.VirtualHost}' is unreachable: {e.Message}");
        }
    }
}
