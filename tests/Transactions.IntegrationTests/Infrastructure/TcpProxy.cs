using System.Net;
using System.Net.Sockets;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback TCP proxy between a client (the bus) and a server (RabbitMQ), to simulate an outage without touching the
/// shared server: <see cref="Cut"/> closes every open connection and refuses new ones until <see cref="Restore"/>.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly string _targetHost;
    readonly int _targetPort;
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpClient> _open = [];
    readonly Task _accepting;
    volatile bool _cut;

    public TcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections the last <see cref="Cut"/> closed: proof that the outage hit live traffic.</summary>
    public int ConnectionsCut { get; private set; }

    public void Cut()
    {
        _cut = true;
        lock (_open)
        {
            ConnectionsCut = _open.Count / 2;
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_cut)
            {
                client.Dispose();
                continue;
            }
            _ = RelayAsync(client);
        }
    }

    async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }
            using var relay = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = client.GetStream().CopyToAsync(server.GetStream(), relay.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), relay.Token);
            await Task.WhenAny(up, down);
            await relay.CancelAsync();
        }
        catch (Exception)
        {
            // A cut or a peer that went away: both sides are closed below, which is what the client must observe.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(client);
                _open.Remove(server);
            }
            client.Dispose();
            server.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
