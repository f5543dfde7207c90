using Microsoft.EntityFrameworkCore;
using Transactions.Coordinator.Persistence;
using Transactions.Coordinator.Reconciliation;
using Transactions.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Transactions.IntegrationTests.ScaleOut;

/// <summary>
/// "Scheduled reconciliation ran once per tick", read from the stored reports. A tick is a period of the schedule
/// (<see cref="ReconciliationTick"/>: Unix milliseconds / period); every instance fires each period and the one that
/// claims the tick runs it. So no tick runs twice, ever. And once every instance is up, none is missing: some
/// instance fires within each tick, and the coordinators here were never all down. Before that, while the instances
/// start one by one on a loaded machine, a single instance still busy with its first run (its first queries and
/// requests compiled as they come) may let a tick pass: that is downtime of the others, not a fault of the schedule.
/// </summary>
public static class ScheduledRuns
{
    /// <param name="since">
    /// When every instance was ready: the schedule must have started by then, and from the next tick on no tick may
    /// be missing.
    /// </param>
    /// <param name="killedAt">
    /// When a coordinator was killed: a run it had started stays Running (a later run marks it Abandoned an hour on), so
    /// one such run started before then is allowed.
    /// </param>
    public static async Task AssertOncePerTickAsync(Func<CoordinatorDbContext> database, TimeSpan period,
        DateTimeOffset since, DateTimeOffset killedAt, ITestOutputHelper output)
    {
        var periodMs = (long)period.TotalMilliseconds;
        // The tick before the current one is over, but a claim made at its very end may still be storing its run.
        var lastTick = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / periodMs - 2;
        async Task<List<ReconciliationRun>> PastRunsAsync()
        {
            await using var db = database();
            return await db.Set<ReconciliationRun>().AsNoTracking()
                .Where(r => r.Trigger == "schedule" && r.Tick <= lastTick).OrderBy(r => r.Tick).ToListAsync();
        }
        bool Finished(ReconciliationRun run) => run.Status != RunStatus.Running || run.StartedAt <= killedAt;
        List<ReconciliationRun> runs;
        try
        {
            runs = await Eventually.Until(PastRunsAsync, r => r.All(Finished), TimeSpan.FromSeconds(180),
                "the scheduled runs of past ticks have finished");
        }
        catch (TimeoutException e)
        {
            var running = (await PastRunsAsync()).Where(r => !Finished(r))
                .Select(r => $"tick {r.Tick} started {r.StartedAt:HH:mm:ss.fff}");
            throw new TimeoutException($"{e.Message} Still running (a coordinator was killed at {killedAt:HH:mm:ss.fff}): " +
                string.Join(", ", running), e);
        }

        var ticks = runs.Select(r => r.Tick!.Value).ToList();
        var twice = ticks.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var allUp = since.ToUnixTimeMilliseconds() / periodMs + 1;
        var missingBefore = ticks.Count == 0 ? [] : Range(ticks[0], allUp - 1).Except(ticks).ToList();
        var missing = Range(allUp, lastTick).Except(ticks).ToList();
        var durations = runs.Where(r => r.FinishedAt is not null)
            .Select(r => (r.FinishedAt!.Value - r.StartedAt).TotalMilliseconds).Order().ToList();
        output.WriteLine($"reconciliation: {runs.Count} scheduled runs for ticks {ticks.FirstOrDefault()}..{lastTick} " +
                         $"(every {period.TotalSeconds:0.#} s, all instances up from tick {allUp}), {missing.Count} " +
                         $"missing since ({missingBefore.Count} before), {twice.Count} twice; run took p50 " +
                         $"{Percentile(durations, 0.5):0} ms, max {durations.LastOrDefault():0} ms; " +
                         $"{runs.Sum(r => r.Errors.Count)} check errors; findings: " +
                         string.Join(", ", runs.SelectMany(r => r.Findings).GroupBy(f => f.Kind)
                             .Select(g => $"{g.Count()} {g.Key}")));
        foreach (var run in runs.Where(r => r.FinishedAt - r.StartedAt > period || r.Status != RunStatus.Completed))
            output.WriteLine($"  tick {run.Tick}: {run.Status}, started {run.StartedAt:HH:mm:ss.fff}, " +
                             $"took {(run.FinishedAt - run.StartedAt)?.TotalMilliseconds:0} ms");

        Assert.NotEmpty(runs);
        Assert.True(twice.Count == 0, $"ticks run more than once: {string.Join(", ", twice)}");
        Assert.True(missing.Count == 0, $"ticks never run: {string.Join(", ", missing)}");
        Assert.True(ticks[0] <= since.ToUnixTimeMilliseconds() / periodMs,
            $"the first scheduled run was for tick {ticks[0]}, after every instance was ready at {since:O}");
        // A run is claimed for the tick in which it starts, never for one still to come.
        Assert.All(runs, r => Assert.True(r.StartedAt.ToUnixTimeMilliseconds() >= r.Tick * periodMs,
            $"run {r.Id} of tick {r.Tick} started at {r.StartedAt:O}, before its tick"));
        var unfinished = runs.Where(r => r.Status != RunStatus.Completed).ToList();
        Assert.True(unfinished.Count <= 1,
            $"{unfinished.Count} runs did not complete: {string.Join(", ", unfinished.Select(r => $"{r.Tick} {r.Status}"))}");
        // The business check compares each finished transfer with the bank: with every transfer exactly once, none differ.
        Assert.DoesNotContain(runs.SelectMany(r => r.Findings), f => f.Kind == "business-mismatch");
    }

    static IEnumerable<long> Range(long first, long last)
    {
        for (var tick = first; tick <= last; tick++)
            yield return tick;
    }

    static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, p * sorted.Count)];
}
