using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Scripts;

public sealed class ServicesScriptTests : IDisposable
{
    readonly string _local = Directory.CreateTempSubdirectory("services-sh-").FullName;

    [Fact]
    public async Task Start_on_a_taken_port_names_the_port_and_the_process_holding_it()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var start = ServicesScript.StartInfo(_local, "start");
        // Servers of its own in a folder of the test's own, so that the shared servers are not touched.
        start.Environment.Remove("POSTGRES_URL");
        start.Environment["TRANSACTIONS_PG_PORT"] = port.ToString();
        start.Environment["TRANSACTIONS_AMQP_PORT"] = ServiceProcess.FreePort().ToString();
        start.Environment["TRANSACTIONS_MGMT_PORT"] = ServiceProcess.FreePort().ToString();
        start.Environment["TRANSACTIONS_DIST_PORT"] = ServiceProcess.FreePort().ToString();

        using var script = Process.Start(start)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));

        var said = await output + await error;
        Assert.Equal(1, script.ExitCode);
        Assert.Contains($"port {port} is taken by", said);
        Assert.Contains($"(pid {Environment.ProcessId})", said);
        Assert.Contains("TRANSACTIONS_PG_PORT", said);
        Assert.DoesNotContain("Examine the log output", said);
    }

    [Fact]
    public async Task Env_of_a_started_cluster_names_every_node_for_the_services_and_node_1_for_the_tests()
    {
        // What start --cluster 3 leaves for env to read; env asks no server.
        Directory.CreateDirectory(Path.Combine(_local, "rabbitmq-cluster"));
        await File.WriteAllTextAsync(Path.Combine(_local, "rabbitmq-cluster", "size"), "3\n");
        var start = ServicesScript.StartInfo(_local, "env");
        start.Environment["TRANSACTIONS_AMQP_PORT"] = "21000";
        start.Environment["TRANSACTIONS_MGMT_PORT"] = "21001";

        var env = await ServiceProcess.RunToExitAsync(start, TimeSpan.FromSeconds(30), "services.sh env");

        Assert.Equal(0, env.ExitCode);
        var lines = env.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("export RABBITMQ_URL='amqp://transactions:transactions@127.0.0.1:21000/transactions'", lines);
        Assert.Contains("export RABBITMQ_MANAGEMENT_URL='http://transactions:transactions@127.0.0.1:21001/'", lines);
        const string hosts = "export RabbitMq__Hosts__";
        Assert.Equal(new[] { "0='127.0.0.1:21000'", "1='127.0.0.1:21003'", "2='127.0.0.1:21006'" },
            lines.Where(l => l.StartsWith(hosts)).Select(l => l[hosts.Length..]));
    }

    public void Dispose() => Directory.Delete(_local, recursive: true);
}
