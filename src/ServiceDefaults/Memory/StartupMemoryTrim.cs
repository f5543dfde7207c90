using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Transactions.ServiceDefaults.Memory;

/// <summary>
/// Once, a while after the service has started, gives back the memory its start-up used and no longer needs: a
/// compacting collection that returns the GC's free space to the operating system, then the C library's free heap
/// pages. Start-up (configuration, EF Core's model, MassTransit's topology, the JIT compiling all of it) leaves both
/// holding memory that an idle service would otherwise keep for good: 8-15 MB of the coordinator's 210 MB resident
/// after a minute's idling (bench/README.md, start-up and idle memory). Under load the heaps grow again as needed.
/// </summary>
sealed class StartupMemoryTrim(IHostApplicationLifetime lifetime, TimeProvider time, ILogger<StartupMemoryTrim> logger)
    : BackgroundService
{
    /// <summary>
    /// After the host has started: long enough for what runs just after it (the bus connecting and binding its
    /// endpoints, the first reconciliation and gauge runs) to be over, so that their garbage goes too.
    /// </summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        await Task.Delay(Delay, time, stoppingToken);

        var before = Sample();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeap.Trim();
        var after = Sample();
        logger.LogInformation("Start-up memory given back: GC heap committed {CommittedBefore} -> {CommittedAfter} MB, " +
                              "resident {ResidentBefore} -> {ResidentAfter} MB", Mb(before.Committed), Mb(after.Committed),
            Mb(before.Resident), Mb(after.Resident));
    }

    static (long Committed, long Resident) Sample() =>
        (GC.GetGCMemoryInfo().TotalCommittedBytes, Environment.WorkingSet);

    static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
