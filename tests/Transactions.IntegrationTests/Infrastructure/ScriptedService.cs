using System.Diagnostics;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// A service as a process started by a shell script that first kills, with SIGKILL, the one it started last: the
/// restart command a user would give the conformance kit. Each start listens on the same port and database.
/// </summary>
public sealed class ScriptedService : IAsyncDisposable
{
    readonly string _directory;
    readonly string _identifiedBy;

    ScriptedService(string directory, int port, string identifiedBy)
    {
        _directory = directory;
        _identifiedBy = identifiedBy;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        Client.DefaultRequestHeaders.Add(TestApiKey.Header, TestApiKey.Key);
    }

    public HttpClient Client { get; }

    /// <summary>Kills the running service and starts another; what the kit's --restart-command runs.</summary>
    public string RestartCommand => $"sh '{Path.Combine(_directory, "restart.sh")}'";

    /// <summary>The process id of the service started last.</summary>
    public int Pid => int.Parse(File.ReadAllText(Path.Combine(_directory, "pid")).Trim());

    /// <summary>The sample participants host with <paramref name="settings"/>.</summary>
    public static Task<ScriptedService> StartParticipantsAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var port = ServiceProcess.FreePort();
        var environment = ServiceProcess.StartInfo(ServiceProcess.Participants, TestApiKey.AddTo(settings)).Environment
            .Where(e => e.Key is "ASPNETCORE_ENVIRONMENT" || e.Key.Contains("__"))
            .ToDictionary(e => e.Key, e => e.Value ?? "");
        var address = $"http://127.0.0.1:{port}";
        var dll = Path.Combine(AppContext.BaseDirectory, ServiceProcess.Participants);
        return StartAsync($"dotnet {Quoted(dll)} --urls {address}", environment, port, identifiedBy: address);
    }

    /// <param name="command">The shell command that starts the service in the foreground.</param>
    /// <param name="environment">The variables it is started with.</param>
    /// <param name="port">Where it answers <c>GET /health/ready</c>.</param>
    /// <param name="identifiedBy">
    /// Text of its command line that no other process has: a process id the system gave to another process since is
    /// left alone at the end.
    /// </param>
    public static async Task<ScriptedService> StartAsync(string command, IReadOnlyDictionary<string, string> environment,
        int port, string identifiedBy)
    {
        var directory = Directory.CreateTempSubdirectory("scripted-service-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "restart.sh"), $"""
            #!/bin/sh
            cd {Quoted(directory)}
            if [ -f pid ]; then
              kill -9 "$(cat pid)" 2>/dev/null
              # Until it is gone and its port free, for at most 10 s.
              n=0; while kill -0 "$(cat pid)" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
            fi
            {string.Join("\n", environment.Select(e => $"export {e.Key}={Quoted(e.Value)}"))}
            nohup {command} >> service.log 2>&1 &
            echo $! > pid
            echo $! >> started
            """.Replace("\r", ""));

        var service = new ScriptedService(directory, port, identifiedBy);
        using (var start = Process.Start("sh", [Path.Combine(directory, "restart.sh")]))
            await start.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            await Eventually.Ready(service.Client, "the scripted service");
        }
        catch
        {
            // Nobody else holds it to stop it: a process that never got ready would outlive the test.
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    static string Quoted(string value) => "'" + value.Replace("'", "'\\''") + "'";

    public async ValueTask DisposeAsync()
    {
        // Every process the script started, in case a restart left one running; an id the system has given to another
        // process since is left alone (its command line does not name this service).
        foreach (var pid in await File.ReadAllLinesAsync(Path.Combine(_directory, "started")))
        {
            try
            {
                var commandLine = Path.Combine("/proc", pid, "cmdline");
                if (!File.Exists(commandLine) || !(await File.ReadAllTextAsync(commandLine)).Contains(_identifiedBy))
                    continue;
                using var process = Process.GetProcessById(int.Parse(pid));
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
            {
                // Gone meanwhile.
            }
        }
        Client.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
