using System.Diagnostics;

namespace Transactions.Bench;

/// <summary>
/// Untimed passes before a measurement, repeated until a minimum time has gone by. With tiered compilation the JIT
/// recompiles the hot methods of MassTransit, EF Core and Npgsql in the background for tens of seconds; a warm-up
/// counted in messages was over in 2 s at 50 messages per commit, and the measurement then paid for the rest
/// (delivered 3,000-3,700 msg/s where a warm process delivers 5,500-6,500).
/// </summary>
static class Warmup
{
    public const int DefaultSeconds = 30;

    /// <summary>Runs <paramref name="pass"/> at least once and until <paramref name="seconds"/> have passed; the passes run.</summary>
    public static async Task<int> RunAsync(int seconds, Func<Task> pass)
    {
        var started = Stopwatch.StartNew();
        var passes = 0;
        do
        {
            await pass();
            passes++;
        } while (started.Elapsed < TimeSpan.FromSeconds(seconds));
        return passes;
    }
}
