using System.Diagnostics;
using System.Globalization;

namespace Transactions.Bench;

/// <summary>What the figures were measured under: the machine may be shared, and they mean little without it.</summary>
static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>CPU time this process has used so far.</summary>
    public static TimeSpan ProcessCpu() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>CPU used so far by this process, the local RabbitMQ and PostgreSQL, and the machine as a whole.</summary>
    public static CpuSample Cpu() => new(ProcessCpu(), ServerCpu("beam.smp"), ServerCpu("postgres"), MachineTicks(),
        new GcSample(GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), GC.CollectionCount(2)));

    /// <summary>This process's allocations, time paused for collections, and full collections so far.</summary>
    public readonly record struct GcSample(long Allocated, TimeSpan Paused, int Gen2);

    // /proc reports process and machine CPU in USER_HZ ticks, 100 per second on Linux.
    const double TicksPerMs = 0.1;

    /// <summary>
    /// CPU of every process named <paramref name="name"/>, counting the reaped children of each: a PostgreSQL backend
    /// that exits during the run moves its time into the postmaster's children's time, so the sum never goes back.
    /// Null off Linux or when no such process runs here (servers elsewhere).
    /// </summary>
    static TimeSpan? ServerCpu(string name)
    {
        if (!Directory.Exists("/proc"))
            return null;
        long ticks = 0;
        var found = false;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            // "pid (comm) state ..."; comm may hold spaces, so the fields are counted from its closing parenthesis.
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < open || stat[(open + 1)..close] != name)
                continue;
            var fields = stat[(close + 2)..].Split(' ');
            // After comm: state is field 3 of the line, so utime (14), stime, cutime, cstime (17) sit at 11..14 here.
            ticks += fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
            found = true;
        }
        return found ? TimeSpan.FromMilliseconds(ticks / TicksPerMs) : null;
    }

    static (long Busy, long Total)? MachineTicks()
    {
        if (!File.Exists("/proc/stat"))
            return null;
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + cpu[4]; // idle, iowait
        return (cpu.Sum() - idle, cpu.Sum());
    }

    public readonly record struct CpuSample(TimeSpan Process, TimeSpan? RabbitMq, TimeSpan? Postgres,
        (long Busy, long Total)? MachineTicks, GcSample Gc)
    {
        /// <summary>
        /// "this process 0.42 ms, RabbitMQ 0.21 ms, PostgreSQL 0.08 ms per message; machine 91% busy; GC: 60.2 KB
        /// allocated and 0.020 ms paused per message, 3 full collections".
        /// </summary>
        public string Since(CpuSample before, int units, string unit)
        {
            string Per(TimeSpan? after, TimeSpan? start) => after is { } a && start is { } b
                ? ((a - b).TotalMilliseconds / units).ToString("0.000", CultureInfo.InvariantCulture) + " ms"
                : "n/a";
            var busy = MachineTicks is { } m && before.MachineTicks is { } s && m.Total > s.Total
                ? (100.0 * (m.Busy - s.Busy) / (m.Total - s.Total)).ToString("0", CultureInfo.InvariantCulture) + "%"
                : "n/a";
            var allocated = (Gc.Allocated - before.Gc.Allocated) / 1024.0 / units;
            return $"this process {Per(Process, before.Process)}, RabbitMQ {Per(RabbitMq, before.RabbitMq)}, " +
                   $"PostgreSQL {Per(Postgres, before.Postgres)} per {unit}; machine {busy} busy; " +
                   string.Create(CultureInfo.InvariantCulture,
                       $"GC: {allocated:0.0} KB allocated and {Per(Gc.Paused, before.Gc.Paused)} paused per {unit}, ") +
                   $"{Gc.Gen2 - before.Gc.Gen2} full collections";
        }
    }
}
