using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Transactions.Bench.Startup;

/// <summary>
/// One start of a built service as a process of its own (<c>dotnet {dll} --contentRoot ... --urls ...</c>, the way
/// <c>scripts/run.sh</c> starts it), timed from just before the process is created until <c>/health/ready</c> first
/// answers 200. Its output is kept with the time each line arrived, for the start-up timeline.
/// </summary>
sealed class ServiceRun : IAsyncDisposable
{
    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    readonly Process _process;
    readonly Stopwatch _sinceStart;
    readonly List<(TimeSpan At, string Line)> _lines = [];

    ServiceRun(Process process, Stopwatch sinceStart) => (_process, _sinceStart) = (process, sinceStart);

    public int Pid => _process.Id;

    public TimeSpan Ready { get; private set; }

    /// <summary>
    /// CPU the service used until it was ready: on a shared machine this moves less with the other load than
    /// <see cref="Ready"/> does.
    /// </summary>
    public TimeSpan CpuUntilReady { get; private set; }

    /// <summary>Each line the service wrote, with when it arrived, counted from the start.</summary>
    public IReadOnlyList<(TimeSpan At, string Line)> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    public static async Task<ServiceRun> StartReadyAsync(string dll, string contentRoot,
        IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--contentRoot", contentRoot, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The bench's own environment goes through, so DOTNET_* settings to try are set on the bench's command line.
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;

        var sinceStart = Stopwatch.StartNew();
        var run = new ServiceRun(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"),
            sinceStart);
        run._process.OutputDataReceived += (_, e) => run.Keep(e.Data);
        run._process.ErrorDataReceived += (_, e) => run.Keep(e.Data);
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (run._process.HasExited)
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited with code {run._process.ExitCode}:\n" +
                                                    string.Join('\n', run.Lines.TakeLast(20).Select(l => l.Line)));
            if (sinceStart.Elapsed > ReadyTimeout)
                throw new TimeoutException($"{Path.GetFileName(dll)} was not ready within {ReadyTimeout.TotalSeconds:0} s");
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                    break;
            }
            catch (HttpRequestException) { } // not listening yet
            catch (TaskCanceledException) { } // a probe that took longer than its timeout
            // Fine-grained, so the figure is not rounded up by the polling.
            await Task.Delay(20);
        }
        run.Ready = sinceStart.Elapsed;
        run.CpuUntilReady = run._process.TotalProcessorTime;
        return run;
    }

    void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
            _lines.Add((_sinceStart.Elapsed, line));
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the service and waits until it is gone, so the next start does not share the machine with it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }
}
