using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Transactions.IntegrationTests.Infrastructure;

/// <summary>A built service (its dll is copied beside the tests) run as a process of its own.</summary>
public static class ServiceProcess
{
    public const string Coordinator = "Transactions.Coordinator.dll";
    public const string Participants = "Transactions.Participants.Sample.dll";

    /// <summary>
    /// <c>dotnet {dll} {arguments}</c> in the "Testing" environment with <paramref name="settings"/> as environment
    /// variables (<c>RabbitMq:Port</c> becomes <c>RabbitMq__Port</c>), both output streams redirected.
    /// </summary>
    public static ProcessStartInfo StartInfo(string dll, IReadOnlyDictionary<string, string?> settings,
        params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__")] = value;
        return start;
    }

    /// <summary>A loopback port free now, for a process to listen on.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first of <paramref name="count"/> consecutive loopback ports that are free now.</summary>
    public static int ConsecutiveFreePorts(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = FreePort();
            var listeners = new List<TcpListener>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    listeners.Add(listener);
                }
                return first;
            }
            catch (SocketException)
            {
                // One of them is taken: try elsewhere.
            }
            finally
            {
                foreach (var listener in listeners)
                    listener.Stop();
            }
        }
        throw new InvalidOperationException($"No {count} consecutive free ports found.");
    }

    /// <summary>Runs a program that is expected to end by itself, killing it if it has not within the timeout.</summary>
    public static Task<ExitedProcess> RunToExitAsync(string dll, IReadOnlyDictionary<string, string?> settings,
        TimeSpan timeout, params string[] arguments) =>
        RunToExitAsync(StartInfo(dll, settings, arguments), timeout, dll);

    /// <summary>Runs a process whose output streams <paramref name="start"/> redirects, in the same way.</summary>
    public static async Task<ExitedProcess> RunToExitAsync(ProcessStartInfo start, TimeSpan timeout, string name)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"{name} was still running after {timeout.TotalSeconds:0} s: {await output}{await error}");
        }
        return new ExitedProcess(process.ExitCode, await output, await error);
    }
}

/// <summary>How a process ended and what it wrote.</summary>
public sealed record ExitedProcess(int ExitCode, string Output, string Error)
{
    public IReadOnlyList<string> ErrorLines =>
        Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
