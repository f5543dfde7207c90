using System.Diagnostics;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>
/// A service as a real process of its own (<c>dotnet Transactions.Participants.Sample.dll</c>), so that a test can
/// kill it the way an operating system would (no shutdown, no flush, unacknowledged messages requeued) and read what
/// it logs.
/// </summary>
public sealed class RunningService : IAsyncDisposable
{
    readonly Process _process;
    readonly StreamWriter _log;
    readonly List<string> _lines = [];
    bool _disposed;

    RunningService(Process process, StreamWriter log, HttpClient client, int port)
    {
        _process = process;
        _log = log;
        Client = client;
        Port = port;
        ProcessId = process.Id;
    }

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's process id.</summary>
    public int ProcessId { get; }

    /// <summary>How the process ended: its exit code, or 128 + the signal that ended it (137 for SIGKILL).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The loopback port the service listens on.</summary>
    public int Port { get; }

    /// <summary>Every line the process has written to its standard output and error so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    /// <param name="environmentUrls">
    /// Given, the address to listen on is passed as a container image passes it, in <c>ASPNETCORE_URLS</c> (from the
    /// free port chosen), instead of <c>--urls</c>; the service must then answer on 127.0.0.1 at that port.
    /// </param>
    /// <param name="port">The port to listen on, for example that of an instance killed before; a free one if null.</param>
    public static Task<RunningService> StartAsync(string dll, IReadOnlyDictionary<string, string?> settings,
        Func<int, string>? environmentUrls = null, int? port = null)
    {
        var listenOn = port ?? ServiceProcess.FreePort();
        var start = environmentUrls is null
            ? ServiceProcess.StartInfo(dll, TestApiKey.AddTo(settings), "--urls", $"http://127.0.0.1:{listenOn}")
            : ServiceProcess.StartInfo(dll, TestApiKey.AddTo(settings));
        if (environmentUrls is not null)
            start.Environment["ASPNETCORE_URLS"] = environmentUrls(listenOn);
        return StartAsync(start, listenOn, Path.GetFileNameWithoutExtension(dll));
    }

    /// <summary>
    /// Any program (a participant written in another language) that listens on <paramref name="port"/> and answers
    /// <c>GET /health/ready</c>; both output streams must be redirected in <paramref name="start"/>.
    /// </summary>
    public static async Task<RunningService> StartAsync(ProcessStartInfo start, int port, string name)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        // Drained so the child never blocks on a full pipe; kept in a file to diagnose a failing test.
        var file = Path.Combine(Path.GetTempPath(), $"{name}-{port}-{process.Id}.log");
        var log = new StreamWriter(file) { AutoFlush = true };
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add(TestApiKey.Header, TestApiKey.Key);
        var service = new RunningService(process, log, client, port);
        process.OutputDataReceived += (_, e) => service.Write(e.Data);
        process.ErrorDataReceived += (_, e) => service.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await Eventually.Until(async () =>
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"{name} exited with code {process.ExitCode}: " +
                                                        string.Join("\n", service.Lines.TakeLast(10)));
                try
                {
                    using var response = await client.GetAsync("/health/ready");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), $"{name} is ready");
        }
        catch
        {
            // Nobody else holds it to stop it: a process that never got ready would outlive the test.
            await service.DisposeAsync();
            throw;
        }
        return service;
    }

    /// <summary>Kills the process at once, like SIGKILL, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    void Write(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
        {
            _lines.Add(line);
            _log.WriteLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        Client.Dispose();
        if (!_process.HasExited)
            await KillAsync();
        // WaitForExit also waits until the output handlers have seen the end of both streams.
        await _process.WaitForExitAsync();
        _process.Dispose();
        lock (_lines)
            _log.Dispose();
    }
}
