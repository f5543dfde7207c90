using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Transactions.IntegrationTests.Scripts;
using Transactions.ServiceDefaults.Health;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// <see cref="IsolatedServices"/> on a RabbitMQ cluster of <see cref="Nodes"/> nodes of the class's own, started with
/// <c>scripts/services.sh start --cluster 3</c> in a folder of its own and on free ports (never the shared servers'),
/// and stopped at the end; PostgreSQL is the shared test server. The services are given every node as
/// <c>RabbitMq:Hosts</c>, node 1 first.
/// </summary>
public sealed partial class ClusterServices : IsolatedServices
{
    public const int Nodes = 3;
    const string User = "transactions", Password = "transactions";
    readonly string _local = Directory.CreateTempSubdirectory("rabbitmq-cluster-").FullName;
    Uri? _postgres;
    int _firstPort;

    /// <summary>How long the script took to start the cluster.</summary>
    public TimeSpan StartTook { get; private set; }

    // Node i's ports, as the script places them: AMQP, management and distribution 3(i - 1) above node 1's.
    public int AmqpPort(int node) => _firstPort + 3 * (node - 1);
    public int ManagementPort(int node) => _firstPort + 1 + 3 * (node - 1);

    protected override async Task<ServerEndpoints> ServersAsync()
    {
        _postgres = (await TestServers.GetAsync()).Postgres;
        _firstPort = FreePortsBelowEphemeral(3 * Nodes);
        var clock = Stopwatch.StartNew();
        try
        {
            await ScriptAsync(TimeSpan.FromMinutes(5), "start", "--cluster", Nodes.ToString());
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\n{NodeLogTails()}", e);
        }
        StartTook = clock.Elapsed;
        return new ServerEndpoints(new Uri($"amqp://{User}:{Password}@127.0.0.1:{AmqpPort(1)}/"),
            new Uri($"http://{User}:{Password}@127.0.0.1:{ManagementPort(1)}/"), _postgres);
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive loopback ports free now, below Linux's ephemeral range
    /// (32768 on): a port from that range, free when chosen, may be given to some process's outgoing connection before
    /// the node binds it, and the node then fails to start.
    /// </summary>
    static int FreePortsBelowEphemeral(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(20_000, 32_000 - count);
            if (Enumerable.Range(first, count).All(IsFree))
                return first;
        }
        throw new InvalidOperationException($"No {count} consecutive free ports found between 20000 and 32000.");
    }

    static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>The last lines of each node's log, to tell why a node did not start.</summary>
    string NodeLogTails() => string.Join("\n",
        Directory.EnumerateFiles(_local, "*@localhost.log", SearchOption.AllDirectories)
        .Select(log => $"--- {log}\n{string.Join('\n', File.ReadLines(log).TakeLast(25))}"));

    public override Dictionary<string, string?> BrokerSettings()
    {
        var settings = base.BrokerSettings();
        for (var node = 1; node <= Nodes; node++)
            settings[$"RabbitMq:Hosts:{node - 1}"] = $"127.0.0.1:{AmqpPort(node)}";
        return settings;
    }

    /// <summary>
    /// The node (1..3) that holds the leader of a quorum queue of this vhost, asked of node <paramref name="askNode"/>.
    /// </summary>
    public async Task<int?> LeaderAsync(string queue, int askNode)
    {
        using var management = ManagementOf(askNode);
        var info = await management.GetFromJsonAsync<QueueLeader>(
            $"api/queues/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(queue)}");
        return NodeIndex(info?.Leader);
    }

    /// <summary>
    /// How many message bus connections to this vhost node <paramref name="node"/> holds, asked of
    /// <paramref name="askNode"/>. The health check's and reconciliation's own connections are not counted: the
    /// client library places them on a node picked at random, so one on a node says nothing of where the bus is.
    /// </summary>
    public async Task<int> BusConnectionsOnAsync(int node, int askNode) =>
        (await ConnectionsAsync(askNode)).Count(c => NodeIndex(c.Node) == node && !NotBus.Contains(c.UserProvidedName));

    /// <summary>The connections to this vhost counted by node and name as listed, for a failure message.</summary>
    public async Task<string> DescribeConnectionsAsync(int askNode)
    {
        var connections = await ConnectionsAsync(askNode);
        return connections.Count == 0
            ? "none"
            : string.Join(", ", connections.GroupBy(c => $"{c.Node ?? "(no node)"} '{c.UserProvidedName}'")
                .Select(g => $"{g.Key}: {g.Count()}"));
    }

    static readonly HashSet<string?> NotBus = [HealthEndpoints.BrokerConnectionName, "reconciliation"];

    async Task<List<ConnectionNode>> ConnectionsAsync(int askNode)
    {
        using var management = ManagementOf(askNode);
        return (await management.GetFromJsonAsync<List<ConnectionNode>>(
            $"api/vhosts/{Uri.EscapeDataString(VirtualHost)}/connections?columns=node,user_provided_name"))!;
    }

    /// <summary>Each node's resident memory in MB, read from /proc through the pid file the node writes.</summary>
    public IReadOnlyList<double> ResidentMegabytes() => Enumerable.Range(1, Nodes).Select(node =>
    {
        var pid = File.ReadAllText(Path.Combine(_local, "rabbitmq-cluster", $"node-{node}", "rabbitmq.pid")).Trim();
        var rss = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:"));
        return double.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }).ToList();

    /// <summary><c>rabbitmqctl -n node-N ...</c> through the script, failing with what it said when it fails.</summary>
    public Task CtlAsync(int node, params string[] arguments) =>
        ScriptAsync(TimeSpan.FromMinutes(2), ["cluster-ctl", node.ToString(), .. arguments]);

    HttpClient ManagementOf(int node) =>
        ManagementClient(Servers with
        {
            Management = new Uri($"http://{User}:{Password}@127.0.0.1:{ManagementPort(node)}/"),
        });

    static int? NodeIndex(string? nodeName) =>
        nodeName is not null && NodeName().Match(nodeName) is { Success: true } match
            ? int.Parse(match.Groups[1].Value)
            : null;

    [GeneratedRegex(@"^rabbit-(\d+)-")]
    private static partial Regex NodeName();

    async Task ScriptAsync(TimeSpan timeout, params string[] arguments)
    {
        // The cluster's own RabbitMQ and the shared PostgreSQL.
        var start = ServicesScript.StartInfo(_local, arguments);
        start.Environment["POSTGRES_URL"] = _postgres!.ToString();
        start.Environment["TRANSACTIONS_AMQP_PORT"] = AmqpPort(1).ToString();
        start.Environment["TRANSACTIONS_MGMT_PORT"] = ManagementPort(1).ToString();
        start.Environment["TRANSACTIONS_DIST_PORT"] = (_firstPort + 2).ToString();

        var name = $"services.sh {string.Join(' ', arguments)}";
        var exited = await ServiceProcess.RunToExitAsync(start, timeout, name);
        if (exited.ExitCode != 0)
            throw new InvalidOperationException($"{name} exited {exited.ExitCode}: {exited.Output}{exited.Error}");
    }

    /// <summary>Drops the vhost and databases, then stops every node and removes the cluster's folder.</summary>
    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_postgres is not null)
                await ScriptAsync(TimeSpan.FromMinutes(3), "stop");
            Directory.Delete(_local, recursive: true);
        }
    }

    sealed record QueueLeader(string? Leader);
    sealed record ConnectionNode(
        string? Node,
        [property: System.Text.Json.Serialization.JsonPropertyName("user_provided_name")] string? UserProvidedName);
}
