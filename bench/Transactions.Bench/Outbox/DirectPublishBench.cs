using System.Diagnostics;
using MassTransit;

namespace Transactions.Bench.Outbox;

/// <summary>
/// The same messages published straight through MassTransit's bus (no outbox, no database) to the same consumer, with
/// as many unconfirmed at once as a delivery round: what the messaging stack alone costs on this machine, the floor
/// under the outbox's figures.
/// </summary>
public static class DirectPublishBench
{
    public static async Task<double> MessagesPerSecondAsync(IBus bus, BenchPhase phase, int messages, int outstanding)
    {
        var recorder = phase.Recorder = new BenchRecorder(messages);
        using var window = new SemaphoreSlim(outstanding);
        var started = Stopwatch.GetTimestamp();
        var publishes = new List<Task>(messages);
        for (var i = 0; i < messages; i++)
        {
            await window.WaitAsync();
            publishes.Add(PublishAsync(i));
        }
        await Task.WhenAll(publishes);
        await recorder.AllConsumed.WaitAsync(TimeSpan.FromSeconds(60 + messages / 500.0));
        return messages / Stopwatch.GetElapsedTime(started, recorder.LastConsumed).TotalSeconds;

        async Task PublishAsync(int index)
        {
            try
            {
                // Completes when the broker confirms it (the bus runs with publisher confirms).
                await bus.Publish(new BenchMessage(index));
            }
            finally
            {
                window.Release();
            }
        }
    }
}
