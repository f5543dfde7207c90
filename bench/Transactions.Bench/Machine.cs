using System.Diagnostics;

namespace Transactions.Bench;

/// <summary>What the figures were measured under: the machine may be shared, and they mean little without it.</summary>
static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>CPU time this process has used so far.</summary>
    public static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;
}
