using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace Transactions.Bench.Outbox;

/// <summary>
/// <c>outbox --drain N</c>: delivery alone. N messages are committed by a host whose delivery is off, then a host with
/// delivery on (and the consumer) empties the outbox; the rate from first to last consume is what delivery and the
/// consumer manage with no writer competing for the machine. Untimed drains of the warm-up size go first, for at least
/// the warm-up time.
/// </summary>
static class DrainBench
{
    public static async Task<int> RunAsync(BenchServers servers, int messages, int warmup, int warmupSeconds,
        int writers, int perCommit, int batch)
    {
        var passes = warmup == 0 ? 0 : await Warmup.RunAsync(warmupSeconds, () => DrainAsync(servers, warmup, writers, perCommit, batch));
        var (rate, duplicates, cpu) = await DrainAsync(servers, messages, writers, perCommit, batch);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
             drain: {messages} messages committed ({perCommit} per commit) with delivery off, then delivered by one host after {passes} untimed drains of {warmup}; delivery batch {batch}
               delivered: {rate:0} msg/s (first to last consume), duplicates {duplicates}
               CPU: {cpu} (this process: delivery, consumer); load average {Machine.LoadAverage()}
             """));
        return 0;
    }

    static async Task<(double Rate, int Duplicates, string Cpu)> DrainAsync(BenchServers servers, int messages, int writers,
        int perCommit, int batch)
    {
        using (var writing = await OutboxBench.StartHostAsync(servers, new BenchPhase(), batch, deliver: false))
        {
            await OutboxBench.WriteAsync(writing, new BenchRecorder(messages), messages, writers, perCommit, null);
            await writing.StopAsync();
        }
        var phase = new BenchPhase { Recorder = new BenchRecorder(messages) };
        using var confirmed = new BrokerConfirmations(messages);
        var cpuBefore = Machine.Cpu();
        using var delivering = await OutboxBench.StartHostAsync(servers, phase, batch);
        // Confirmed as well as consumed: stopping before the last round commits would leave its rows to be delivered
        // again by the next pass, whose writing host has no recorder for them.
        await Task.WhenAll(phase.Recorder.AllConsumed, confirmed.AllConfirmed)
            .WaitAsync(TimeSpan.FromSeconds(60 + messages / 500.0));
        var cpu = Machine.Cpu().Since(cpuBefore, messages, "message");
        var seconds = Stopwatch.GetElapsedTime(phase.Recorder.FirstConsumed, phase.Recorder.LastConsumed).TotalSeconds;
        await delivering.StopAsync();
        return ((messages - 1) / seconds, phase.Recorder.Duplicates, cpu);
    }
}
