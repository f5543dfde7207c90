using Npgsql;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Plumbing;

/// <summary>What a newcomer reads when a service starts: no failures that are not failures, and one line saying what
/// the service uses.</summary>
public sealed class StartupLogTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    [Theory]
    [InlineData(ServiceProcess.Coordinator, "Coordinator")]
    [InlineData(ServiceProcess.Participants, "Bank", "Flights", "Hotels", "Cars")]
    public async Task A_first_start_on_fresh_databases_logs_no_failure_and_one_line_saying_what_the_service_uses(
        string service, params string[] connections)
    {
        var settings = services.BrokerSettings();
        settings["Database:MigrateOnStartup"] = "true";
        var databases = new List<string>();
        foreach (var connection in connections)
        {
            var connectionString = services.NewDatabase($"{connection}_{Guid.NewGuid():N}"[..20]);
            settings[$"ConnectionStrings:{connection}"] = connectionString;
            databases.Add(new NpgsqlConnectionStringBuilder(connectionString).Database!);
        }

        await using var process = await RunningService.StartAsync(service, settings);
        var summary = await Eventually.Until(() => Task.FromResult(process.Lines.Where(l => l.Contains(" listens on ")).ToList()),
            lines => lines.Count > 0, TimeSpan.FromSeconds(60), "the service says what it uses");

        var lines = process.Lines;
        Assert.DoesNotContain(lines, l => l.StartsWith("fail:"));
        foreach (var database in databases)
            Assert.Contains(lines, l => l.Contains($"Database {database} does not exist yet"));
        var line = Assert.Single(summary);
        Assert.Contains($"listens on {process.Client.BaseAddress!.ToString().TrimEnd('/')}", line);
        Assert.Contains($"broker {services.Servers.Amqp.Host}:{services.Servers.Amqp.Port} virtual host '{services.VirtualHost}'", line);
        for (var i = 0; i < connections.Length; i++)
            Assert.Contains($"{connections[i]}={databases[i]} on {services.Servers.Postgres.Host}:{services.Servers.Postgres.Port}", line);
        Assert.DoesNotContain("Password", line, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Reconciliation_ticks_log_no_line_per_http_request()
    {
        var settings = services.BrokerSettings();
        settings["Database:MigrateOnStartup"] = "true";
        settings["ConnectionStrings:Coordinator"] = await services.CreateDatabaseAsync("ticks");
        settings["Reconciliation:Period"] = "00:00:01";

        await using var coordinator = await RunningService.StartAsync(ServiceProcess.Coordinator, settings);
        await Eventually.Until(() => Task.FromResult(coordinator.Lines.Count(l => l.Contains("Reconciliation run "))),
            runs => runs >= 2, TimeSpan.FromSeconds(60), "two reconciliation runs, each asking the broker for its queues");

        Assert.DoesNotContain(coordinator.Lines, l => l.StartsWith("info: System.Net.Http.HttpClient"));
    }
}
