using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using Transactions.ServiceDefaults.Messaging;

namespace Transactions.ServiceDefaults.Health;

/// <summary>
/// Ready only while the configured broker accepts us in our virtual host. MassTransit's own check speaks for its
/// receive endpoints; this one also covers a service that only sends, and says why the broker is unreachable.
/// One connection serves every probe (a probe every few seconds that opened its own would churn the broker), and each
/// probe opens and closes a channel on it: that round trip proves the connection alive, where a cached connection's
/// open flag alone can stay true long after the broker dropped it. A failed probe drops the connection; the next
/// one connects again.
/// </summary>
internal sealed class BrokerHealthCheck(IOptions<RabbitMqOptions> options) : IHealthCheck, IAsyncDisposable
{
    static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    // Probes come one at a time through here, so two concurrent probes never both connect.
    readonly SemaphoreSlim _gate = new(1, 1);
    IConnection? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await _gate.WaitAsync(timeout.Token);
            try
            {
                await ProbeAsync(o, timeout.Token);
            }
            finally
            {
                _gate.Release();
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The reason (host, vhost, the client's message) goes to readers and the logs, never to anonymous probes.
            return HealthCheckResult.Unhealthy(
                $"RabbitMQ at {o.Describe()} vhost '{o.VirtualHost}' is unreachable: {e.Message}", e);
        }
    }

    async Task ProbeAsync(RabbitMqOptions o, CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is not { IsOpen: true })
            {
                await DropConnectionAsync();
                _connection = await Factory(o).CreateConnectionAsync(o.Nodes().ToList(), cancellationToken);
            }
            // The broker refuses an unknown vhost only after the handshake returns; a channel proves we are in.
            await using var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
            await channel.CloseAsync(cancellationToken);
        }
        catch
        {
            await DropConnectionAsync();
            throw;
        }
    }

    static ConnectionFactory Factory(RabbitMqOptions o) => new()
    {
        VirtualHost = o.VirtualHost, UserName = o.Username, Password = o.Password,
        AutomaticRecoveryEnabled = false, RequestedConnectionTimeout = ProbeTimeout, ClientProvidedName = HealthEndpoints.BrokerConnectionName,
    };

    async Task DropConnectionAsync()
    {
        var connection = _connection;
        _connection = null;
        if (connection is null)
            return;
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // Already broken: that is why it is dropped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropConnectionAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}
