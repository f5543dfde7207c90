using System.Diagnostics;

namespace Transactions.Conformance.Checks;

/// <summary>Runs the user's restart command through the shell, with a timeout.</summary>
public static class RestartCommand
{
    public sealed record Outcome(bool Succeeded, string Evidence);

    public static async Task<Outcome> RunAsync(string command, TimeSpan timeout, CancellationToken ct)
    {
        // Output goes to a file, not a pipe: a command that starts the participant in the background leaves it
        // holding the command's output, and reading a pipe to its end would wait for the participant to stop.
        var output = Path.GetTempFileName();
        try
        {
            var start = OperatingSystem.IsWindows()
                ? new ProcessStartInfo("cmd.exe", ["/c", $"{command} > \"{output}\" 2>&1"])
                : new ProcessStartInfo("/bin/sh", ["-c", $"( {command} ) > '{output}' 2>&1"]);
            using var process = Process.Start(start) ?? throw new InvalidOperationException("The shell did not start.");
            try
            {
                await process.WaitForExitAsync(ct).WaitAsync(timeout, ct);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                return new Outcome(false, $"the restart command was still running after {timeout.TotalSeconds:0} s: " +
                                          Tail(output));
            }
            return process.ExitCode == 0
                ? new Outcome(true, "")
                : new Outcome(false, $"the restart command exited with {process.ExitCode}: {Tail(output)}");
        }
        finally
        {
            File.Delete(output);
        }
    }

    static string Tail(string file)
    {
        var text = File.ReadAllText(file).Trim();
        return text.Length == 0 ? "(no output)" : text.Length <= 300 ? text : "..." + text[^300..];
    }
}
