using System.Diagnostics;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Scripts;

public sealed class RunScriptTests(IsolatedServices services) : IClassFixture<IsolatedServices>
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task A_killed_service_is_restarted_while_the_other_keeps_running_and_ctrl_c_stops_everything()
    {
        var settings = services.BrokerSettings();
        foreach (var database in new[] { "Coordinator", "Bank", "Flights", "Hotels", "Cars" })
            settings[$"ConnectionStrings:{database}"] = await services.CreateDatabaseAsync(database);
        var (coordinatorPort, participantsPort) = (ServiceProcess.FreePort(), ServiceProcess.FreePort());
        await using var script = RunScript.Start(services.Servers, settings, coordinatorPort, participantsPort);
        using var coordinator = Client(coordinatorPort);
        using var participants = Client(participantsPort);

        await script.SaysAsync("Transactions is running", Patience);
        await Eventually.Ready(coordinator, "the coordinator", Patience);
        await Eventually.Ready(participants, "the participants", Patience);
        Assert.Contains(script.Lines, l => l.Contains("RABBITMQ_URL and POSTGRES_URL are set: using those servers"));
        Assert.DoesNotContain(script.Lines, l => l.StartsWith("[services] starting"));
        var killed = Assert.Single(script.Starts("coordinator"));
        var survivor = Assert.Single(script.Starts("participants"));

        Process.GetProcessById(killed).Kill();
        await Eventually.Until(() => Task.FromResult(!RunScript.IsAlive(killed)), Patience, "the coordinator is dead");
        await script.SaysAsync($"coordinator (pid {killed}) died: killed by signal 9", Patience);

        var restarted = await Eventually.Until(() => Task.FromResult(script.Starts("coordinator")),
            starts => starts.Count == 2, Patience, "run.sh started the coordinator again");
        Assert.NotEqual(killed, restarted[1]);
        await Eventually.Ready(coordinator, "the restarted coordinator", Patience);
        Assert.True(RunScript.IsAlive(restarted[1]), "the restarted coordinator runs");
        Assert.Equal([survivor], script.Starts("participants"));
        Assert.True(RunScript.IsAlive(survivor), "the participants kept running");

        var children = RunScript.Descendants(script.Pid);
        Assert.Contains(restarted[1], children);
        Assert.Contains(survivor, children);
        var exitCode = await script.InterruptAsync(Patience);

        Assert.Equal(130, exitCode);
        Assert.Contains(script.Lines, l => l == "[run] stopping...");
        await Eventually.Until(() => Task.FromResult(children.Where(RunScript.IsAlive).ToList()),
            alive => alive.Count == 0, TimeSpan.FromSeconds(30), "every process run.sh started has ended");
    }

    [Fact]
    public async Task Instances_of_each_service_run_on_consecutive_ports_each_ready_on_one_database_and_broker()
    {
        var settings = services.BrokerSettings();
        foreach (var database in new[] { "Coordinator", "Bank", "Flights", "Hotels", "Cars" })
            settings[$"ConnectionStrings:{database}"] = await services.CreateDatabaseAsync($"{database}_instances");
        var basePort = ServiceProcess.ConsecutiveFreePorts(4);
        await using var script = RunScript.Start(services.Servers, settings, basePort, basePort + 1, instances: 2);

        await script.SaysAsync("Transactions is running", Patience);
        foreach (var (port, name) in new[] { (basePort, "coordinator-1"), (basePort + 1, "participants-1"),
                     (basePort + 2, "coordinator-2"), (basePort + 3, "participants-2") })
        {
            using var client = Client(port);
            await Eventually.Ready(client, name, Patience);
            var pid = Assert.Single(script.Starts(name));
            Assert.True(RunScript.IsAlive(pid), $"{name} runs");
            Assert.Contains(script.Lines, l => l.Contains($"{name} started (pid {pid}) on http://127.0.0.1:{port}"));
        }
        Assert.Equal(130, await script.InterruptAsync(Patience));
    }

    static HttpClient Client(int port) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
}
