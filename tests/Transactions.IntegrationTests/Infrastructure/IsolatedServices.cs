using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using MassTransit;
using Npgsql;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// A class fixture giving each test class resources of its own on the real servers: one RabbitMQ virtual host and any
/// number of PostgreSQL databases, created on first use and dropped at the end, so classes run in parallel and a
/// re-run starts clean.
/// </summary>
public class IsolatedServices : IAsyncLifetime
{
    readonly List<string> _databases = [];
    readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..12];
    HttpClient? _management;

    public ServerEndpoints Servers { get; private set; } = null!;

    /// <summary>
    /// The virtual host's default queue type: quorum, as the product's own virtual host is made, so that queues
    /// declared without a type (MassTransit's, on send) are quorum queues too.
    /// </summary>
    protected virtual string DefaultQueueType => "quorum";

    /// <summary>This class's own virtual host.</summary>
    public string VirtualHost => _prefix;

    /// <summary>The servers this class runs on: the shared test servers, unless a fixture brings its own.</summary>
    protected virtual Task<ServerEndpoints> ServersAsync() => TestServers.GetAsync();

    public async Task InitializeAsync()
    {
        Servers = await ServersAsync();
        _management = ManagementClient(Servers);
        using var create = await _management.PutAsJsonAsync($"api/vhosts/{VirtualHost}", new { defaultqueuetype = DefaultQueueType });
        create.EnsureSuccessStatusCode();
        using var grant = await _management.PutAsJsonAsync($"api/permissions/{VirtualHost}/{Servers.RabbitUser}",
            new { configure = ".*", write = ".*", read = ".*" });
        grant.EnsureSuccessStatusCode();
    }

    /// <summary>Creates an empty database of this class's own and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var connectionString = NewDatabase(name);
        await using (var admin = new NpgsqlConnection(Servers.PostgresConnectionString("postgres")))
        {
            await admin.OpenAsync();
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await command.ExecuteNonQueryAsync();
        }
        return connectionString;
    }

    /// <summary>
    /// The connection string of a database of this class's own that does not exist yet (a service's first start
    /// creates it); dropped at the end like the others.
    /// </summary>
    public string NewDatabase(string name)
    {
        var database = $"{_prefix}_{name}".ToLowerInvariant();
        lock (_databases) _databases.Add(database);
        return Servers.PostgresConnectionString(database);
    }

    /// <summary>
    /// Settings that point a service host at this class's broker vhost. Rows a stopped host left in its outbox are
    /// taken by the next one after 2 s rather than the default 10, so that restart tests wait less.
    /// </summary>
    public virtual Dictionary<string, string?> BrokerSettings() => new()
    {
        ["Outbox:DispatchGracePeriod"] = "00:00:02",
        ["RabbitMq:Host"] = Servers.Amqp.Host,
        ["RabbitMq:Port"] = Servers.Amqp.Port.ToString(),
        ["RabbitMq:VirtualHost"] = VirtualHost,
        ["RabbitMq:Username"] = Servers.RabbitUser,
        ["RabbitMq:Password"] = Servers.RabbitPassword,
        ["RabbitMq:ManagementPort"] = Servers.Management.Port.ToString(),
    };

    /// <summary>
    /// Settings of a sample participants host that runs <paramref name="participant"/> alone ("bank", "cars", ...), on
    /// this class's vhost and a new database named <paramref name="database"/>, migrated at start.
    /// </summary>
    public async Task<Dictionary<string, string?>> ParticipantSettingsAsync(string participant, string database)
    {
        var settings = BrokerSettings();
        settings[$"ConnectionStrings:{char.ToUpperInvariant(participant[0])}{participant[1..]}"] =
            await CreateDatabaseAsync(database);
        settings["Database:MigrateOnStartup"] = "true";
        settings["Participants:Enabled:0"] = participant;
        return settings;
    }

    /// <summary>Points a test's own bus at this class's vhost, with publisher confirms as the services use them.</summary>
    public void ConfigureHost(IRabbitMqBusFactoryConfigurator cfg) =>
        cfg.Host(Servers.Amqp.Host, (ushort)Servers.Amqp.Port, VirtualHost, h =>
        {
            h.Username(Servers.RabbitUser);
            h.Password(Servers.RabbitPassword);
            h.PublisherConfirmation = true;
        });

    /// <summary>A connection to this class's vhost, for tests that declare, fill or count queues themselves.</summary>
    public Task<RabbitMQ.Client.IConnection> ConnectAsync() => new RabbitMQ.Client.ConnectionFactory
    {
        HostName = Servers.Amqp.Host, Port = Servers.Amqp.Port, VirtualHost = VirtualHost,
        UserName = Servers.RabbitUser, Password = Servers.RabbitPassword,
    }.CreateConnectionAsync();

    /// <summary>This class's vhost as an AMQP URL with the credentials, for clients that take a URL.</summary>
    public Uri AmqpUrl => new UriBuilder(Servers.Amqp) { Path = "/" + Uri.EscapeDataString(VirtualHost) }.Uri;

    /// <summary>The management HTTP API, authenticated, for inspecting queues of this vhost.</summary>
    public HttpClient Management => _management ?? throw new InvalidOperationException("Fixture not initialised.");

    /// <summary>
    /// How many messages wait in the queue to be delivered, counted by the broker at the moment of asking (a passive
    /// declare over AMQP, not the management API's sampled figure); 0 for a queue not declared yet. Messages delivered
    /// to a consumer and not yet acknowledged are not counted.
    /// </summary>
    public async Task<long> QueueDepthAsync(string queue)
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>The names of this vhost's queues, as the management API lists them (declared queues, at once).</summary>
    public async Task<IReadOnlyList<string>> QueueNamesAsync()
    {
        var queues = await Management.GetFromJsonAsync<List<QueueName>>(
            $"api/queues/{Uri.EscapeDataString(VirtualHost)}?columns=name");
        return queues!.Select(q => q.Name).ToList();
    }

    sealed record QueueName(string Name);

    public virtual async Task DisposeAsync()
    {
        if (_management is null)
            return;
        using (await _management.DeleteAsync($"api/vhosts/{VirtualHost}")) { }
        _management.Dispose();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Servers.PostgresConnectionString("postgres"));
        await admin.OpenAsync();
        foreach (var database in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    protected static HttpClient ManagementClient(ServerEndpoints servers)
    {
        var user = servers.Management.UserInfo;
        var client = new HttpClient
        {
            BaseAddress = new Uri(servers.Management.GetLeftPart(UriPartial.Authority) + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(user))));
        return client;
    }
}
