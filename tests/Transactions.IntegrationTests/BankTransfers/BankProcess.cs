using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Transactions.IntegrationTests.Infrastructure;

namespace Transactions.IntegrationTests.BankTransfers;

/// <summary>
/// The bank participant as a real process of its own (<c>dotnet Transactions.Participants.Sample.dll</c>), so that a
/// test can kill it the way an operating system would: no shutdown, no flush, unacknowledged messages requeued.
/// </summary>
public sealed class BankProcess : IAsyncDisposable
{
    readonly Process _process;
    readonly StreamWriter _log;
    bool _disposed;

    BankProcess(Process process, StreamWriter log, HttpClient client)
    {
        _process = process;
        _log = log;
        Client = client;
    }

    public HttpClient Client { get; }

    public bool HasExited => _process.HasExited;

    public static async Task<BankProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        var start = ServiceProcess.StartInfo(ServiceProcess.Participants, TestApiKey.AddTo(settings),
            "--urls", $"http://127.0.0.1:{port}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        // Drained so the child never blocks on a full pipe; kept in a file to diagnose a failing test.
        var log = new StreamWriter(Path.Combine(Path.GetTempPath(), $"bank-process-{port}.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add(TestApiKey.Header, TestApiKey.Key);
        var bank = new BankProcess(process, log, client);
        await Eventually.Until(async () =>
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The bank process exited with code {process.ExitCode}.");
            try
            {
                using var response = await client.GetAsync("/health/ready");
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the bank process is ready");
        return bank;
    }

    /// <summary>Kills the process at once, like SIGKILL, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    static void Write(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.WriteLine(line);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
        lock (_log)
            _log.Dispose();
    }
}
