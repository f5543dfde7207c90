using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.Scripts;

/// <summary>
/// <c>scripts/run.sh --no-build</c> of this checkout as a process, on the test servers (RABBITMQ_URL and POSTGRES_URL
/// set, so it starts none) with the class's vhost and databases and ports of its own. Every line it and the services
/// print is kept, so a test waits for what the script says.
/// </summary>
public sealed partial class RunScript : IAsyncDisposable
{
    readonly Process _process;
    readonly List<string> _lines = [];

    RunScript(Process process) => _process = process;

    public int Pid => _process.Id;

    public static RunScript Start(ServerEndpoints servers, IReadOnlyDictionary<string, string?> settings,
        int coordinatorPort, int participantsPort, int instances = 1)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("scripts/run.sh");
        start.ArgumentList.Add("--no-build");
        start.ArgumentList.Add("--instances");
        start.ArgumentList.Add(instances.ToString());
        start.Environment["RABBITMQ_URL"] = servers.Amqp.ToString();
        start.Environment["RABBITMQ_MANAGEMENT_URL"] = servers.Management.ToString();
        start.Environment["POSTGRES_URL"] = servers.Postgres.ToString();
        start.Environment["TRANSACTIONS_COORDINATOR_PORT"] = coordinatorPort.ToString();
        start.Environment["TRANSACTIONS_PARTICIPANTS_PORT"] = participantsPort.ToString();
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;

        var script = new RunScript(Process.Start(start) ?? throw new InvalidOperationException("bash did not start"));
        script._process.OutputDataReceived += (_, e) => script.Add(e.Data);
        script._process.ErrorDataReceived += (_, e) => script.Add(e.Data);
        script._process.BeginOutputReadLine();
        script._process.BeginErrorReadLine();
        return script;
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    /// <summary>The pid of every "[run] {service} started (pid N)" line so far, in order.</summary>
    public IReadOnlyList<int> Starts(string service) => Lines
        .Select(line => StartLine().Match(line))
        .Where(match => match.Success && match.Groups["service"].Value == service)
        .Select(match => int.Parse(match.Groups["pid"].Value))
        .ToList();

    /// <summary>Waits until the script has said <paramref name="line"/> (a substring of one line).</summary>
    public Task SaysAsync(string line, TimeSpan timeout) =>
        Eventually.Until(() => Task.FromResult(Lines.Any(l => l.Contains(line))), timeout, $"run.sh says '{line}'");

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does, and waits until the script has ended.</summary>
    public async Task<int> InterruptAsync(TimeSpan timeout)
    {
        if (Kill(_process.Id, SignalInterrupt) != 0)
            throw new InvalidOperationException($"kill -INT {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>The pids of every process below <paramref name="pid"/>, read from /proc.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var child))
                continue;
            try
            {
                // "pid (command) state ppid ...": the command may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                parents[child] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (IOException)
            {
                // The process ended while the directory was read.
            }
        }
        var found = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var (child, _) in parents.Where(p => p.Value == parent))
            {
                found.Add(child);
                queue.Enqueue(child);
            }
        }
        return found;
    }

    /// <summary>True while the process exists and is not a zombie waiting for its parent.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    void Add(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
            _lines.Add(line);
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "scripts", "run.sh")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No scripts/run.sh above {AppContext.BaseDirectory}.");
    }

    const int SignalInterrupt = 2;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"^\[run\] (?<service>\S+) started \(pid (?<pid>\d+)\)")]
    private static partial Regex StartLine();

    public async ValueTask DisposeAsync()
    {
        // A test that failed half-way leaves nothing running.
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _process.Dispose();
    }
}
