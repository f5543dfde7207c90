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
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RunScript.RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("scripts/services.sh");
        start.ArgumentList.Add("start");
        // Servers of its own in a folder of the test's own, so that the shared servers are not touched.
        start.Environment.Remove("RABBITMQ_URL");
        start.Environment.Remove("POSTGRES_URL");
        start.Environment["TRANSACTIONS_LOCAL_DIR"] = _local;
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

    public void Dispose() => Directory.Delete(_local, recursive: true);
}
