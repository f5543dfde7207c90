using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using Transactions.Coordinator;
using Transactions.Coordinator.Persistence;
using Transactions.Participants.Sample;
using Transactions.Bench.Reconcile;

namespace Transactions.Bench.Transfers;

/// <summary>
/// Mode <c>transfers</c>: the coordinator and the bank (in this process, on the real broker and PostgreSQL) run
/// <c>--transfers N</c> transfers among <c>--accounts A</c> accounts, posted over REST by <c>--concurrency C</c>
/// posters, either all at once (open loop: the rate the system sustains under a backlog) or with at most
/// <c>--in-flight F</c> unfinished (closed loop: the latency at the rate F sustains); prints transfers/s from the first
/// POST to the last terminal saga and POST-to-terminal latency. Then the same
/// debits and credits as one local PostgreSQL transaction each, at the same concurrency, and the ratio of the two.
/// Passes of <c>--warmup W</c> transfers (default 200) run first, untimed, for at least <c>--warmup-seconds S</c>
/// (default 30), so that the JIT has compiled the hot paths.
/// </summary>
public static class TransfersBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var transfers = options.Int("transfers", 2_000);
        var concurrency = options.Int("concurrency", 32);
        var accounts = options.Int("accounts", 100);
        var warmup = options.Int("warmup", 200);
        var warmupSeconds = options.Int("warmup-seconds", Warmup.DefaultSeconds);
        // 0: open loop, every transfer posted as fast as the posters go (throughput, latency = queueing). N: closed
        // loop, a transfer is posted only when fewer than N are unfinished (latency at the rate N sustains).
        var inFlight = options.Int("in-flight", 0);
        // Coordinator instances on the one database, sharing the saga endpoints as competing consumers; the POSTs go
        // round-robin. They share this process's cores, so what they show is what version conflicts cost.
        var coordinators = options.Int("coordinators", 1);

        await using var servers = await BenchServers.CreateAsync("transfers");
        using var outbox = new OutboxCounters();
        var bankDb = servers.PostgresConnectionString(servers.Name);
        await using var coordinatorDb = await BenchDatabase.CreateAsync(servers, servers.Name + "_coordinator");

        var settings = servers.Settings();
        settings["Database:MigrateOnStartup"] = "true";
        settings["ConnectionStrings:Bank"] = bankDb;
        settings["ConnectionStrings:Coordinator"] = coordinatorDb.ConnectionString;
        settings["Participants:Enabled:0"] = "bank";
        // Each consumer in flight holds a pooled connection for its transaction: stay well under the pool size.
        settings["RabbitMq:PrefetchCount"] = options.Int("prefetch", 16).ToString(CultureInfo.InvariantCulture);
        if (options.Has("outbox-poll-ms"))
            settings["Outbox:PollingInterval"] = TimeSpan.FromMilliseconds(options.Int("outbox-poll-ms", 5_000)).ToString();
        await using var bankHost = new InProcessService<ParticipantsAssembly>(settings);
        using var bank = await bankHost.ReadyClientAsync();
        await using var coordinator = await CoordinatorInstances.StartAsync(coordinators, settings);

        var names = Enumerable.Range(0, accounts).Select(i => $"bench-{i}").ToArray();
        foreach (var name in names)
            (await bank.PostAsJsonAsync("/api/accounts", new { accountId = name, currency = "EUR", initialBalance = 1_000_000m }))
                .EnsureSuccessStatusCode();
        var random = new Random(1);
        (Guid Id, string From, string To, decimal Amount)[] Plan(int count) => Enumerable.Range(0, count).Select(_ =>
        {
            var from = random.Next(accounts);
            return (Id: Guid.CreateVersion7(), From: names[from], To: names[(from + 1 + random.Next(accounts - 1)) % accounts],
                Amount: random.Next(1, 10_000) / 100m);
        }).ToArray();
        var warmupPasses = warmup == 0 ? 0 : await Warmup.RunAsync(warmupSeconds, async () =>
        {
            var warm = Plan(warmup);
            await PostAllAsync(coordinator, warm, concurrency, new ConcurrentDictionary<Guid, DateTimeOffset>());
            await TerminalSagasAsync(coordinatorDb.ConnectionString, warm.Select(t => t.Id).ToArray(),
                TimeSpan.FromSeconds(60 + warmup / 20.0));
        });
        var admin = servers.PostgresConnectionString("postgres");
        string[] databases = [servers.Name, servers.Name + "_coordinator"];
        async Task<Pass?> MeasureAsync()
        {
            var plan = Plan(transfers);
            var posted = new ConcurrentDictionary<Guid, DateTimeOffset>();
            await SqlCounters.ResetStatementsAsync(admin);
            var sqlBefore = await SqlCounters.ReadAsync(admin, databases);
            var outboxBefore = outbox.Read();
            Interlocked.Exchange(ref _benchQueries, 0);
            var started = Stopwatch.GetTimestamp();
            var firstPost = DateTimeOffset.UtcNow;
            var cpuBefore = Machine.Cpu();
            if (inFlight > 0)
                await PostClosedLoopAsync(coordinator, coordinatorDb.ConnectionString, plan, concurrency, inFlight, posted);
            else
                await PostAllAsync(coordinator, plan, concurrency, posted);
            var finished = await TerminalSagasAsync(coordinatorDb.ConnectionString, plan.Select(t => t.Id).ToArray(),
                TimeSpan.FromSeconds(60 + transfers / 20.0));
            if (finished.Count < transfers)
            {
                Console.WriteLine($"FAILED: only {finished.Count} of {transfers} transfers terminal before the deadline; " +
                                  $"sagas by state: {await StatesAsync(coordinatorDb.ConnectionString)}");
                return null;
            }
            var cpu = Machine.Cpu().Since(cpuBefore, transfers, "transfer");
            var sql = (await SqlCounters.ReadAsync(admin, databases)).Since(sqlBefore, transfers,
                Interlocked.Read(ref _benchQueries), "transfer");
            var outboxAfter = outbox.Read();
            var seconds = (finished.Values.Max(f => f.At) - firstPost).TotalSeconds;
            var latencies = finished.Select(f => (f.Value.At - posted[f.Key]).TotalMilliseconds).Order().ToArray();
            var completed = finished.Values.Count(f => f.State == "Completed");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"""
                 transfers: {transfers} among {accounts} accounts, {concurrency} posting, {(inFlight > 0 ? $"closed loop: at most {inFlight} unfinished" : "open loop: all posted at once")}, {completed} completed; load average {Machine.LoadAverage()}
                   end to end: {transfers / seconds:0.0} transfers/s ({seconds:0.00} s from first POST to last terminal saga, {Stopwatch.GetElapsedTime(started).TotalSeconds:0.00} s wall)
                   CPU: {cpu} (this process: coordinator, bank, delivery, bench)
                   SQL: {sql}
                   outbox: {(outboxAfter.Delivered - outboxBefore.Delivered) / (double)transfers:0.00} messages sent per transfer, {(outboxAfter.LeftToDelivery - outboxBefore.LeftToDelivery) / (double)transfers:0.000} left to the delivery service at commit
                   coordinators: {coordinators}, saga version conflicts retried: {(outboxAfter.SagaConflicts - outboxBefore.SagaConflicts) / (double)transfers:0.000} per transfer
                   latency POST->terminal: p50 {Percentiles.Of(latencies, 50):0.0} ms, p99 {Percentiles.Of(latencies, 99):0.0} ms, max {latencies[^1]:0.0} ms
                 """));
            return new Pass(transfers / seconds, plan);
        }

        Console.WriteLine($"warm-up: {warmupPasses} x {warmup} transfers untimed ({warmupSeconds} s at least)");
        if (await MeasureAsync() is not { } empty)
            return 1;
        var baselineCpuBefore = Machine.Cpu();
        var baseline = await LocalTransactionBaseline.TransfersPerSecondAsync(bankDb,
            empty.Plan.Select(p => (p.From, p.To, p.Amount)).ToArray(), concurrency);
        var baselineCpu = Machine.Cpu().Since(baselineCpuBefore, transfers, "transfer");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
             local transaction baseline (debit + credit + 2 ledger rows, one commit each): {baseline:0.0} transfers/s
               CPU: {baselineCpu}
             ratio end-to-end/baseline: {empty.Rate / baseline:0.000} (goal >= 0.25)
             """));

        if (options.Int("seed-finished", 0) is > 0 and var seeded)
        {
            var seedStarted = Stopwatch.GetTimestamp();
            await SagaTableSeed.LoadAsync(coordinatorDb.ConnectionString, seeded, stuck: 0, CancellationToken.None);
            Console.WriteLine($"seeded {seeded} finished transfers in {Stopwatch.GetElapsedTime(seedStarted).TotalSeconds:0} s; the same run again:");
            if (await MeasureAsync() is not { } full)
                return 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio with {seeded} finished sagas / empty tables: {full.Rate / empty.Rate:0.000} (goal >= 0.9)"));
        }
        return 0;
    }

    sealed record Pass(double Rate, (Guid Id, string From, string To, decimal Amount)[] Plan);

    /// <summary>The bench's own queries in the measured databases (each one commits): left out of commits per transfer.</summary>
    static long _benchQueries;

    static async Task<string> StatesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT current_state || ' ' || count(*) FROM bank_transfers GROUP BY current_state", connection);
        var states = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            states.Add(reader.GetString(0));
        return string.Join(", ", states);
    }

    static Task PostAllAsync(CoordinatorInstances coordinator, (Guid Id, string From, string To, decimal Amount)[] plan,
        int concurrency, ConcurrentDictionary<Guid, DateTimeOffset> posted) =>
        Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            (t, ct) => new ValueTask(PostAsync(coordinator, t, posted, ct)));

    /// <summary>
    /// Posts the plan keeping at most <paramref name="inFlight"/> transfers unfinished: a watcher polls the saga table
    /// for the unfinished ones and frees a slot for each that ended.
    /// </summary>
    static async Task PostClosedLoopAsync(CoordinatorInstances coordinator, string connectionString,
        (Guid Id, string From, string To, decimal Amount)[] plan, int concurrency, int inFlight,
        ConcurrentDictionary<Guid, DateTimeOffset> posted)
    {
        using var slots = new SemaphoreSlim(inFlight);
        var unfinished = new ConcurrentDictionary<Guid, bool>();
        using var done = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            while (!done.IsCancellationRequested)
            {
                var ids = unfinished.Keys.ToArray();
                if (ids.Length > 0)
                {
                    Interlocked.Increment(ref _benchQueries);
                    await using var command = new NpgsqlCommand(SqlCounters.Marker + TerminalOf, connection);
                    command.Parameters.AddWithValue("ids", ids);
                    await using var reader = await command.ExecuteReaderAsync();
                    while (await reader.ReadAsync())
                        if (IsTerminal(reader.GetString(1)) && unfinished.TryRemove(reader.GetGuid(0), out _))
                            slots.Release();
                }
                await Task.Delay(20);
            }
        });
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (t, ct) =>
        {
            if (!await slots.WaitAsync(TimeSpan.FromMinutes(2), ct))
                throw new TimeoutException($"No transfer finished within 2 minutes; {unfinished.Count} unfinished.");
            unfinished[t.Id] = true;
            await PostAsync(coordinator, t, posted, ct);
        });
        await done.CancelAsync();
        await watcher;
    }

    static async Task PostAsync(CoordinatorInstances coordinator, (Guid Id, string From, string To, decimal Amount) t,
        ConcurrentDictionary<Guid, DateTimeOffset> posted, CancellationToken ct)
    {
        posted[t.Id] = DateTimeOffset.UtcNow;
        using var response = await coordinator.Next().PostAsJsonAsync("/api/bank-transfers",
            new { transferId = t.Id, fromAccount = t.From, toAccount = t.To, amount = t.Amount, currency = "EUR" }, ct);
        response.EnsureSuccessStatusCode();
    }

    // The state is tested here, not in SQL: with it in the WHERE clause PostgreSQL may read the sagas through the state
    // index, every finished one of them (about 1,000 pages a poll late in a run), and the bench's polls every 20 ms
    // would cost the database as much as a part of what is measured.
    const string TerminalOf = "SELECT correlation_id, current_state, updated_at FROM bank_transfers WHERE correlation_id = ANY(@ids)";

    static bool IsTerminal(string state) => state is "Completed" or "Cancelled";

    /// <summary>Polls the saga table until the sagas <paramref name="ids"/> are terminal; their state and last change.</summary>
    static async Task<Dictionary<Guid, (string State, DateTimeOffset At)>> TerminalSagasAsync(string connectionString,
        Guid[] ids, TimeSpan timeout)
    {
        var expected = ids.Length;
        var deadline = DateTime.UtcNow + timeout;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        while (true)
        {
            Interlocked.Increment(ref _benchQueries);
            await using var command = new NpgsqlCommand(SqlCounters.Marker + TerminalOf, connection);
            command.Parameters.AddWithValue("ids", ids);
            var found = new Dictionary<Guid, (string, DateTimeOffset)>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    if (IsTerminal(reader.GetString(1)))
                        found[reader.GetGuid(0)] = (reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
            if (found.Count >= expected || DateTime.UtcNow > deadline)
                return found;
            await Task.Delay(200);
        }
    }
}
