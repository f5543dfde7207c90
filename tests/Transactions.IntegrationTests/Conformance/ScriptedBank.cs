using System.Diagnostics;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Conformance;

/// <summary>
/// The sample bank as a process started by a shell script that first kills, with SIGKILL, the bank it started last:
/// the restart command a user would give the conformance kit. Each start listens on the same port and database.
/// </summary>
public sealed class ScriptedBank : IAsyncDisposable
{
    readonly string _directory;

    ScriptedBank(string directory, int port)
    {
        _directory = directory;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        Client.DefaultRequestHeaders.Add(TestApiKey.Header, TestApiKey.Key);
    }

    public HttpClient Client { get; }

    /// <summary>Kills the running bank and starts another; what the kit's --restart-command runs.</summary>
    public string RestartCommand => $"sh '{Path.Combine(_directory, "restart.sh")}'";

    /// <summary>The process id of the bank started last.</summary>
    public int Pid => int.Parse(File.ReadAllText(Path.Combine(_directory, "pid")).Trim());

    public static async Task<ScriptedBank> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var directory = Directory.CreateTempSubdirectory("scripted-bank-").FullName;
        var port = ServiceProcess.FreePort();
        var environment = ServiceProcess.StartInfo(ServiceProcess.Participants, TestApiKey.AddTo(settings)).Environment
            .Where(e => e.Key is "ASPNETCORE_ENVIRONMENT" || e.Key.Contains("__"))
            .Select(e => $"export {e.Key}={Quoted(e.Value ?? "")}");
        var dll = Path.Combine(AppContext.BaseDirectory, ServiceProcess.Participants);
        await File.WriteAllTextAsync(Path.Combine(directory, "restart.sh"), $"""
            #!/bin/sh
            cd {Quoted(directory)}
            if [ -f pid ]; then
              kill -9 "$(cat pid)" 2>/dev/null
              # Until it is gone and its port free, for at most 10 s.
              n=0; while kill -0 "$(cat pid)" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n+1)); done
            fi
            {string.Join("\n", environment)}
            nohup dotnet {Quoted(dll)} --urls http://127.0.0.1:{port} >> bank.log 2>&1 &
            echo $! > pid
            echo $! >> started
            """.Replace("\r", ""));

        var bank = new ScriptedBank(directory, port);
        using (var start = Process.Start("sh", [Path.Combine(directory, "restart.sh")]))
            await start.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.Ready(bank.Client, "the scripted bank");
        return bank;
    }

    static string Quoted(string value) => "'" + value.Replace("'", "'\\''") + "'";

    public async ValueTask DisposeAsync()
    {
        // Every bank the script started, in case a restart left one running; an id the system has given to another
        // process since is left alone (its command line does not name this bank's address).
        foreach (var pid in await File.ReadAllLinesAsync(Path.Combine(_directory, "started")))
        {
            try
            {
                var commandLine = Path.Combine("/proc", pid, "cmdline");
                if (!File.Exists(commandLine) || !(await File.ReadAllTextAsync(commandLine)).Contains(Client.BaseAddress!.Authority))
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
