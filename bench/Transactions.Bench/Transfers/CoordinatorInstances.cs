using Transactions.Coordinator;

namespace Transactions.Bench.Transfers;

/// <summary>Coordinator instances in this process on one database and broker; requests go to each in turn.</summary>
sealed class CoordinatorInstances : IAsyncDisposable
{
    readonly List<InProcessService<CoordinatorAssembly>> _hosts;
    readonly HttpClient[] _clients;
    int _next = -1;

    CoordinatorInstances(List<InProcessService<CoordinatorAssembly>> hosts, HttpClient[] clients) =>
        (_hosts, _clients) = (hosts, clients);

    public static async Task<CoordinatorInstances> StartAsync(int count, IReadOnlyDictionary<string, string?> settings)
    {
        var hosts = Enumerable.Range(0, count).Select(_ => new InProcessService<CoordinatorAssembly>(settings)).ToList();
        return new CoordinatorInstances(hosts, await Task.WhenAll(hosts.Select(h => h.ReadyClientAsync())));
    }

    public int Count => _clients.Length;

    /// <summary>The next instance's client, round-robin.</summary>
    public HttpClient Next() => _clients[(Interlocked.Increment(ref _next) & int.MaxValue) % _clients.Length];

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        foreach (var host in _hosts)
            await host.DisposeAsync();
    }
}
