using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;

namespace Transactions.Bench.Reconcile;

/// <summary>
/// The shared RabbitMQ and PostgreSQL, from RABBITMQ_URL, RABBITMQ_MANAGEMENT_URL and POSTGRES_URL (what
/// <c>scripts/services.sh env</c> prints), and the bench's own virtual host and databases on them, dropped at the end
/// so a million-row table does not outlive the run.
/// </summary>
sealed class BenchServers : IAsyncDisposable
{
    readonly Uri _amqp;
    readonly Uri _postgres;
    readonly HttpClient _management;
    readonly List<string> _databases = [];
    bool _vhostCreated;

    BenchServers(Uri amqp, Uri management, Uri postgres)
    {
        (_amqp, _postgres) = (amqp, postgres);
        _management = new HttpClient
        {
            BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
    }

    public string VirtualHost { get; } = "bench-reconcile-" + Guid.NewGuid().ToString("N")[..8];

    public static BenchServers FromEnvironment()
    {
        string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: run 'eval \"$(scripts/services.sh env)\"' first.");
        return new BenchServers(new Uri(Required("RABBITMQ_URL")), new Uri(Required("RABBITMQ_MANAGEMENT_URL")),
            new Uri(Required("POSTGRES_URL")));
    }

    public async Task CreateVirtualHostAsync(CancellationToken ct)
    {
        using var create = await _management.PutAsync($"api/vhosts/{VirtualHost}", null, ct);
        create.EnsureSuccessStatusCode();
        _vhostCreated = true;
        using var grant = await _management.PutAsJsonAsync($"api/permissions/{VirtualHost}/{User(_amqp)[0]}",
            new { configure = ".*", write = ".*", read = ".*" }, ct);
        grant.EnsureSuccessStatusCode();
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct)
    {
        var database = $"{VirtualHost.Replace('-', '_')}_{name}";
        await using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        await admin.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
        await command.ExecuteNonQueryAsync(ct);
        _databases.Add(database);
        return ConnectionString(database);
    }

    /// <summary>Settings that point the coordinator at the bench's vhost and <paramref name="connectionString"/>.</summary>
    public Dictionary<string, string?> CoordinatorSettings(string connectionString) => new()
    {
        ["ConnectionStrings:Coordinator"] = connectionString,
        ["Database:MigrateOnStartup"] = "true",
        ["RabbitMq:Host"] = _amqp.Host,
        ["RabbitMq:Port"] = _amqp.Port.ToString(),
        ["RabbitMq:VirtualHost"] = VirtualHost,
        ["RabbitMq:Username"] = User(_amqp)[0],
        ["RabbitMq:Password"] = User(_amqp)[1],
        ["RabbitMq:ManagementPort"] = _management.BaseAddress!.Port.ToString(),
    };

    public async ValueTask DisposeAsync()
    {
        if (_vhostCreated)
            using (await _management.DeleteAsync($"api/vhosts/{VirtualHost}")) { }
        _management.Dispose();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        await admin.OpenAsync();
        foreach (var database in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    string ConnectionString(string database)
    {
        var user = User(_postgres);
        return $"Host={_postgres.Host};Port={_postgres.Port};Database={database};Username={user[0]};" +
               $"Password={user[1]};Timeout=15;Command Timeout=600";
    }

    static string[] User(Uri uri) => uri.UserInfo.Split(':', 2).Select(Uri.UnescapeDataString).ToArray();
}
