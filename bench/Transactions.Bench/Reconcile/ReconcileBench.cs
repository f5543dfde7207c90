using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Transactions.Coordinator.Reconciliation;

namespace Transactions.Bench.Reconcile;

/// <summary>
/// <c>reconcile</c>: times full reconciliation runs (the coordinator's real runner and checks, dry and real) over a
/// bank_transfers table of many finished sagas and a few stuck ones, at two table sizes with the same stuck count, so
/// the figures show whether the cost follows the stuck sagas or the finished ones; then prints the plan of every query
/// a run sends to the saga table.
/// <code>reconcile [--rows 1000000,100000] [--stuck 1000] [--repeat 5]</code>
/// </summary>
public static class ReconcileBench
{
    const string SagaTable = "bank_transfers";
    static readonly TimeSpan SagasActDeadline = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = Option(args, "--rows", "1000000,100000").Split(',').Select(int.Parse).ToList();
        var stuck = int.Parse(Option(args, "--stuck", "1000"));
        var repeat = int.Parse(Option(args, "--repeat", "5"));
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

        await using var servers = await BenchServers.CreateAsync("reconcile");
        var scales = new List<ScaleResult>();
        foreach (var total in rows)
            scales.Add(await MeasureAsync(servers, total, stuck, repeat, cancel.Token));

        Console.WriteLine();
        Console.WriteLine($"Reconciliation run, {repeat} timed runs per mode (after an untimed warm-up run of each)");
        Console.WriteLine($"{"saga rows",10} {"finished",10} {"stuck",6} {"mode",5} {"min ms",8} {"median ms",10} " +
                          $"{"max ms",8} {"saga SQL ms",12} {"found",6} {"actions",8} {"load s",7}");
        foreach (var s in scales)
            foreach (var (mode, timings) in new[] { ("dry", s.Dry), ("real", s.Real) })
            {
                var runs = timings.Select(t => t.RunMs).ToList();
                Console.WriteLine($"{s.Total,10:N0} {s.Total - s.Stuck,10:N0} {s.Stuck,6:N0} {mode,5} " +
                                  $"{runs.Min(),8:F1} {Median(runs),10:F1} {runs.Max(),8:F1} " +
                                  $"{Median(timings.Select(t => t.SagaSqlMs).ToList()),12:F1} {s.Stuck,6} " +
                                  $"{(mode == "dry" ? 0 : s.Stuck),8} {s.LoadSeconds,7:F1}");
            }
        Console.WriteLine("saga SQL ms: median time PostgreSQL took to answer the run's queries on the saga table.");
        foreach (var s in scales)
            foreach (var (sql, plan) in s.Plans)
            {
                Console.WriteLine();
                Console.WriteLine($"-- {s.Total:N0} saga rows: {sql.ReplaceLineEndings(" ")}");
                Console.WriteLine(plan);
            }
        return 0;
    }

    static async Task<ScaleResult> MeasureAsync(BenchServers servers, int total, int stuck, int repeat,
        CancellationToken ct)
    {
        Console.WriteLine($"[{total:N0} rows] creating database, starting the coordinator, loading...");
        await using var coordinatorDb = await BenchDatabase.CreateAsync(servers, $"{servers.Name}_r{total}");
        var database = coordinatorDb.ConnectionString;
        var settings = servers.Settings();
        settings["ConnectionStrings:Coordinator"] = database;
        settings["Database:MigrateOnStartup"] = "true";
        var recorder = new SagaQueryRecorder(SagaTable);
        using var host = await BenchCoordinator.StartAsync(settings, recorder, ct);
        var load = Stopwatch.StartNew();
        await SagaTableSeed.LoadAsync(database, total - stuck, stuck, ct);
        var loadSeconds = load.Elapsed.TotalSeconds;
        var runner = host.Services.GetRequiredService<ReconciliationRunner>();
        var noProgressAfter = host.Services.GetRequiredService<IOptions<ReconciliationOptions>>().Value.NoProgressAfter;

        // Untimed warm-up runs compile and connect. The dry one sends the same queries as a real run and nothing
        // else runs then (no saga is consuming), so it is the one whose queries are recorded.
        recorder.Recording = true;
        await TimeRunAsync(runner, recorder, dryRun: true, stuck, ct);
        recorder.Recording = false;
        // Planned on the table as loaded, before the real runs below churn the stuck rows.
        var plans = new List<(string, string)>();
        foreach (var query in recorder.Queries)
            plans.Add((query.Sql, await SagaQueryRecorder.ExplainAsync(database, query, ct)));
        var warmUp = await TimeRunAsync(runner, recorder, dryRun: false, stuck, ct);
        await WaitAndRestoreAsync(database, warmUp.Run.StartedAt - noProgressAfter, ct);

        var dry = new List<Timing>();
        for (var i = 0; i < repeat; i++)
            dry.Add((await TimeRunAsync(runner, recorder, dryRun: true, stuck, ct)).Timing);
        var real = new List<Timing>();
        for (var i = 0; i < repeat; i++)
        {
            var (timing, run) = await TimeRunAsync(runner, recorder, dryRun: false, stuck, ct);
            real.Add(timing);
            await WaitAndRestoreAsync(database, run.StartedAt - noProgressAfter, ct);
        }
        Console.WriteLine($"[{total:N0} rows] dry {string.Join(", ", dry.Select(t => t.RunMs.ToString("F0")))} ms; " +
                          $"real {string.Join(", ", real.Select(t => t.RunMs.ToString("F0")))} ms");
        await host.StopAsync(ct);
        return new ScaleResult(total, stuck, loadSeconds, dry, real, plans);
    }

    /// <summary>One full run; fails unless it examined and found exactly the stuck sagas and no check failed.</summary>
    static async Task<(Timing Timing, ReconciliationRun Run)> TimeRunAsync(ReconciliationRunner runner,
        SagaQueryRecorder recorder, bool dryRun, int stuck, CancellationToken ct)
    {
        recorder.ResetExecutionTime();
        var watch = Stopwatch.StartNew();
        var run = await runner.RunAsync(new ReconciliationRequest("request", dryRun, RequeueErrorQueues: false), ct);
        var timing = new Timing(watch.Elapsed.TotalMilliseconds, recorder.ExecutionTime.TotalMilliseconds);
        var found = run.Findings.Count(f => f.Kind == "overdue");
        var sent = run.Actions.Count(a => a.Result == "sent");
        if (run.Errors.Count > 0 || found != stuck || sent != (dryRun ? 0 : stuck))
            throw new InvalidOperationException($"Run {run.Id} (dry run {dryRun}) found {found} overdue sagas and " +
                $"re-sent {sent} deadlines, expected {stuck}; errors: {string.Join("; ", run.Errors)}");
        return (timing, run);
    }

    /// <summary>
    /// Waits until every saga acted on the deadline the real run re-sent (none is still overdue as of that run), which
    /// proves the run's messages reached the sagas, then makes them stuck again for the next run.
    /// </summary>
    static async Task WaitAndRestoreAsync(string database, DateTimeOffset cutoff, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        long due;
        while ((due = await SagaTableSeed.CountDueAsync(database, cutoff, ct)) > 0)
        {
            if (deadline.Elapsed > SagasActDeadline)
                throw new TimeoutException($"{due} sagas still overdue {SagasActDeadline} after the run re-sent them.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
        await SagaTableSeed.RestoreStuckAsync(database, ct);
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    static string Option(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    /// <summary>A run's duration, and the part of it PostgreSQL spent answering the saga table queries.</summary>
    sealed record Timing(double RunMs, double SagaSqlMs);

    sealed record ScaleResult(int Total, int Stuck, double LoadSeconds, List<Timing> Dry, List<Timing> Real,
        List<(string Sql, string Plan)> Plans);
}
