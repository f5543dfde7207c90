using System.Diagnostics;
using MassTransit;

namespace Transactions.Bench.Outbox;

/// <summary>When each message was committed and when it was consumed (Stopwatch ticks), by index.</summary>
public sealed class BenchRecorder(int messages)
{
    readonly long[] _committed = new long[messages];
    readonly long[] _consumed = new long[messages];
    readonly TaskCompletionSource _allConsumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    int _consumedCount;
    int _duplicates;

    public Task AllConsumed => _allConsumed.Task;
    public int ConsumedCount => Volatile.Read(ref _consumedCount);
    public int Duplicates => Volatile.Read(ref _duplicates);

    public void Committed(int index, long at) => _committed[index] = at;

    public void Consumed(int index)
    {
        if (Interlocked.CompareExchange(ref _consumed[index], Stopwatch.GetTimestamp(), 0) != 0)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        if (Interlocked.Increment(ref _consumedCount) == _consumed.Length)
            _allConsumed.TrySetResult();
    }

    public long LastConsumed => _consumed.Max();

    public long FirstConsumed => _consumed.Min();

    /// <summary>Commit-to-consume latencies in milliseconds, sorted. A consume that raced ahead of the writer's
    /// timestamp (recorded just after the commit returned) counts as zero.</summary>
    public double[] LatenciesMs() => _committed.Zip(_consumed, (c, d) => Math.Max(0, Stopwatch.GetElapsedTime(c, d).TotalMilliseconds))
        .Order().ToArray();
}

/// <summary>The recorder of the phase running (warm-up, then the measured run); the next starts once all arrived.</summary>
public sealed class BenchPhase
{
    public BenchRecorder Recorder { get; set; } = new(0);
}

/// <summary>Records each bench message as it arrives; no inbox, so what is measured is outbox delivery alone.</summary>
public sealed class BenchMessageConsumer(BenchPhase phase) : IConsumer<BenchMessage>
{
    public Task Consume(ConsumeContext<BenchMessage> context)
    {
        phase.Recorder.Consumed(context.Message.Index);
        return Task.CompletedTask;
    }
}
