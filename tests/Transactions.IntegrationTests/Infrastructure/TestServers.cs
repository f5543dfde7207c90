using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// The real RabbitMQ and PostgreSQL the integration tests run against: taken from RABBITMQ_URL,
/// RABBITMQ_MANAGEMENT_URL and POSTGRES_URL (what <c>scripts/services.sh env</c> prints), or started with
/// Testcontainers where a Docker engine answers. With neither, every test fails saying what to run.
/// </summary>
public static class TestServers
{
    static readonly Lazy<Task<ServerEndpoints>> Endpoints = new(ResolveAsync);

    public static Task<ServerEndpoints> GetAsync() => Endpoints.Value;

    static async Task<ServerEndpoints> ResolveAsync()
    {
        var amqp = Environment.GetEnvironmentVariable("RABBITMQ_URL");
        var management = Environment.GetEnvironmentVariable("RABBITMQ_MANAGEMENT_URL");
        var postgres = Environment.GetEnvironmentVariable("POSTGRES_URL");
        if (!string.IsNullOrEmpty(amqp) && !string.IsNullOrEmpty(management) && !string.IsNullOrEmpty(postgres))
            return new ServerEndpoints(new Uri(amqp), new Uri(management), new Uri(postgres));

        try
        {
            return await StartContainersAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException(
                "Integration tests need a real RabbitMQ and PostgreSQL. Run 'scripts/test.sh' (it starts them), or " +
                "'scripts/services.sh start && eval \"$(scripts/services.sh env)\"' before 'dotnet test', or set " +
                "RABBITMQ_URL, RABBITMQ_MANAGEMENT_URL and POSTGRES_URL. No Docker engine answered either: " + e.Message, e);
        }
    }

    static async Task<ServerEndpoints> StartContainersAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var rabbit = new RabbitMqBuilder("rabbitmq:3.13-management")
            .WithUsername("transactions").WithPassword("transactions").WithPortBinding(15672, true).Build();
        var postgres = new PostgreSqlBuilder("postgres:15")
            .WithUsername("transactions").WithPassword("transactions").Build();
        await Task.WhenAll(rabbit.StartAsync(timeout.Token), postgres.StartAsync(timeout.Token));
        var host = rabbit.Hostname;
        return new ServerEndpoints(
            new Uri(rabbit.GetConnectionString()),
            new Uri($"http://transactions:transactions@{host}:{rabbit.GetMappedPublicPort(15672)}/"),
            new Uri($"postgres://transactions:transactions@{postgres.Hostname}:{postgres.GetMappedPublicPort(5432)}/postgres"));
    }
}

/// <summary>Where the servers are, with the credentials in the URIs' user-info.</summary>
public sealed record ServerEndpoints(Uri Amqp, Uri Management, Uri Postgres)
{
    public string RabbitUser => Uri.UnescapeDataString(Amqp.UserInfo.Split(':')[0]);
    public string RabbitPassword => Uri.UnescapeDataString(Amqp.UserInfo.Split(':', 2)[1]);

    /// <summary>A connection string for <paramref name="database"/> on the PostgreSQL server.</summary>
    public string PostgresConnectionString(string database)
    {
        var user = Postgres.UserInfo.Split(':', 2);
        return $"Host={Postgres.Host};Port={Postgres.Port};Database={database};" +
               $"Username={Uri.UnescapeDataString(user[0])};Password={Uri.UnescapeDataString(user[1])};" +
               "Maximum Pool Size=40;Timeout=15;Command Timeout=60";
    }
}
