using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Bench;

/// <summary>
/// The servers from RABBITMQ_URL, RABBITMQ_MANAGEMENT_URL and POSTGRES_URL (what <c>scripts/services.sh env</c>
/// prints), and a virtual host and database of the run's own, dropped at the end.
/// </summary>
public sealed class BenchServers : IAsyncDisposable
{
    readonly HttpClient _management;
    readonly Uri _postgres;

    BenchServers(Uri amqp, Uri management, Uri postgres, string name)
    {
        Amqp = amqp;
        _postgres = postgres;
        Name = name;
        _management = new HttpClient { BaseAddress = new Uri(management.GetLeftPart(UriPartial.Authority) + "/") };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
    }

    public Uri Amqp { get; }

    /// <summary>The run's virtual host and database name.</summary>
    public string Name { get; }

    public string RabbitUser => Uri.UnescapeDataString(Amqp.UserInfo.Split(':')[0]);
    public string RabbitPassword => Uri.UnescapeDataString(Amqp.UserInfo.Split(':', 2)[1]);

    public static async Task<BenchServers> CreateAsync(string mode)
    {
        static Uri Required(string variable) => new(Environment.GetEnvironmentVariable(variable)
            ?? throw new InvalidOperationException($"{variable} is not set; run: eval \"$(scripts/services.sh env)\""));
        var servers = new BenchServers(Required("RABBITMQ_URL"), Required("RABBITMQ_MANAGEMENT_URL"),
            Required("POSTGRES_URL"), $"bench_{mode}_{Guid.NewGuid().ToString("N")[..8]}");
        (await servers._management.PutAsJsonAsync($"api/vhosts/{servers.Name}",
            new { defaultqueuetype = QueueType.ToLowerInvariant() })).EnsureSuccessStatusCode();
        (await servers._management.PutAsJsonAsync($"api/permissions/{servers.Name}/{servers.RabbitUser}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        await servers.AdminAsync($"CREATE DATABASE \"{servers.Name}\"");
        return servers;
    }

    public string PostgresConnectionString(string database)
    {
        var user = _postgres.UserInfo.Split(':', 2);
        // With the services' own connection defaults, so that the outbox bench's DbContext and the local-transaction
        // baseline run with what the coordinator and the bank run with.
        return PostgresConnectionDefaults.Apply($"Host={_postgres.Host};Port={_postgres.Port};Database={database};Username={Uri.UnescapeDataString(user[0])};" +
               $"Password={Uri.UnescapeDataString(user[1])};Maximum Pool Size=64;Command Timeout=600");
    }

    /// <summary>The product's queue type (quorum), or <c>BENCH_QUEUE_TYPE=classic</c> to compare.</summary>
    static string QueueType => Environment.GetEnvironmentVariable("BENCH_QUEUE_TYPE") ?? "Quorum";

    public Dictionary<string, string?> Settings() => new()
    {
        ["RabbitMq:QueueType"] = QueueType,
        ["RabbitMq:Host"] = Amqp.Host,
        ["RabbitMq:Port"] = Amqp.Port.ToString(),
        ["RabbitMq:VirtualHost"] = Name,
        ["RabbitMq:Username"] = RabbitUser,
        ["RabbitMq:Password"] = RabbitPassword,
        ["RabbitMq:ManagementPort"] = _management.BaseAddress!.Port.ToString(),
        ["ConnectionStrings:Bench"] = PostgresConnectionString(Name),
    };

    async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        using (await _management.DeleteAsync($"api/vhosts/{Name}")) { }
        _management.Dispose();
        NpgsqlConnection.ClearAllPools();
        await AdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }
}
