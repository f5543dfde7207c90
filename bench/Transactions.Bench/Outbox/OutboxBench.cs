using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Transactions.Outbox;
using Transactions.ServiceDefaults.Messaging;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Bench.Outbox;

/// <summary>
/// Mode <c>outbox</c>: concurrent writers commit N messages through the outbox (each commit also inserts a business
/// row), one process delivers and consumes them; prints delivered msg/s, commit-to-consume latency and, against the
/// same broker, the raw confirmed-publish rate. <c>--rate R</c> paces the writers at R msg/s (latency under load);
/// without it they write as fast as they can (throughput). Passes of <c>--warmup W</c> messages (default 10,000) go
/// through the same host first, untimed, for at least <c>--warmup-seconds S</c> (default 30), so that what is measured
/// is the steady state rather than the JIT compiling MassTransit, EF Core and Npgsql on a busy machine.
/// </summary>
public static class OutboxBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var messages = options.Int("messages", 20_000);
        var writers = options.Int("writers", 16);
        var perCommit = options.Int("per-commit", 1);
        int? rate = options.Has("rate") ? options.Int("rate", 1_000) : null;
        var batch = options.Int("batch", new PostgresOutboxOptions().DeliveryBatchSize);
        var warmup = options.Int("warmup", 10_000);
        var warmupSeconds = options.Int("warmup-seconds", Warmup.DefaultSeconds);

        await using var servers = await BenchServers.CreateAsync("outbox");
        var connectionString = servers.PostgresConnectionString(servers.Name);
        await using (var db = new BenchDbContext(new DbContextOptionsBuilder<BenchDbContext>()
                         .UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options))
            await db.Database.EnsureCreatedAsync();
        Console.WriteLine($"PostgreSQL fsync={await ShowAsync(connectionString, "fsync")}, " +
                          $"synchronous_commit={await ShowAsync(connectionString, "synchronous_commit")}");

        if (options.Has("drain"))
            return await DrainBench.RunAsync(servers, options.Int("drain", 100_000), warmup, warmupSeconds, writers,
                perCommit, batch);

        var phase = new BenchPhase();
        using var host = await StartHostAsync(servers, phase, batch);
        var warmupPasses = warmup == 0 ? 0 : await Warmup.RunAsync(warmupSeconds, async () =>
        {
            phase.Recorder = new BenchRecorder(warmup);
            using var warmupConfirmed = new BrokerConfirmations(warmup);
            await WriteAsync(host, phase.Recorder, warmup, writers, perCommit, rate);
            // Confirmed as well as consumed: a round counts its deliveries after its commit, which can follow the consume.
            await Task.WhenAll(phase.Recorder.AllConsumed, warmupConfirmed.AllConfirmed)
                .WaitAsync(TimeSpan.FromSeconds(60 + warmup / 500.0));
        });
        var recorder = phase.Recorder = new BenchRecorder(messages);

        using var confirmed = new BrokerConfirmations(messages);
        var cpuBefore = Machine.Cpu();
        var started = Stopwatch.GetTimestamp();
        var committed = await WriteAsync(host, recorder, messages, writers, perCommit, rate);
        var commitSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var deadline = Task.Delay(TimeSpan.FromSeconds(60 + messages / 500.0));
        var done = Task.WhenAll(recorder.AllConsumed, confirmed.AllConfirmed);
        if (await Task.WhenAny(done, deadline) != done)
        {
            Console.WriteLine($"FAILED: only {recorder.ConsumedCount} of {messages} messages consumed before the deadline");
            return 1;
        }
        var deliverSeconds = Stopwatch.GetElapsedTime(started, recorder.LastConsumed).TotalSeconds;
        var confirmSeconds = Stopwatch.GetElapsedTime(started, confirmed.AllConfirmedAt).TotalSeconds;
        var cpu = Machine.Cpu().Since(cpuBefore, messages, "message");
        var directMessages = Math.Min(messages, 20_000);
        var directCpuBefore = Machine.Cpu();
        var direct = await DirectPublishBench.MessagesPerSecondAsync(host.Services.GetRequiredService<IBus>(), phase,
            directMessages, batch);
        var directCpu = Machine.Cpu().Since(directCpuBefore, directMessages, "message");
        await host.StopAsync();

        // The writers' share: the same commits in a host whose delivery is off (the process's JIT is warm by now).
        var writeOnlyMessages = Math.Min(messages, 50_000);
        double writeOnly;
        string writeOnlyCpu;
        using (var writing = await StartHostAsync(servers, new BenchPhase(), batch, deliver: false))
        {
            var writeOnlyCpuBefore = Machine.Cpu();
            writeOnly = await WriteAsync(writing, new BenchRecorder(writeOnlyMessages), writeOnlyMessages, writers, perCommit, rate);
            writeOnlyCpu = Machine.Cpu().Since(writeOnlyCpuBefore, writeOnlyMessages, "message");
            await writing.StopAsync();
        }

        var latencies = recorder.LatenciesMs();
        var delivered = messages / deliverSeconds;
        var bodySize = 700;
        var rawMessages = Math.Min(messages, 50_000);
        var rawCpuBefore = Machine.Cpu();
        var raw = await RawPublishBench.MessagesPerSecondAsync(servers, rawMessages, bodySize, batch);
        var rawCpu = Machine.Cpu().Since(rawCpuBefore, rawMessages, "message");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
             outbox: {messages} messages after {warmupPasses} x {warmup} untimed ({warmupSeconds} s at least), {writers} writers, {perCommit} per commit, rate {(rate is null ? "unlimited" : rate + " msg/s")}, delivery batch {batch}
               committed:  {committed} msg/s ({commitSeconds:0.00} s)
               broker-confirmed: {messages / confirmSeconds:0} msg/s (first commit to the delivery round that removed the last row, {confirmSeconds:0.00} s)
               delivered:  {delivered:0} msg/s (first commit to last consume, {deliverSeconds:0.00} s), duplicates {recorder.Duplicates}
               CPU: {cpu} (this process: writers, delivery, consumer); load average {Machine.LoadAverage()}
               latency commit->consume: p50 {Percentiles.Of(latencies, 50):0.0} ms, p99 {Percentiles.Of(latencies, 99):0.0} ms, max {latencies[^1]:0.0} ms
             writing alone (the same commits, delivery off): {writeOnly:0} msg/s committed
               CPU: {writeOnlyCpu}
             MassTransit alone (bus.Publish, no outbox, same consumer): {direct:0} msg/s
               CPU: {directCpu}
             raw confirmed publish: {raw:0} msg/s ({bodySize}-byte persistent messages, {batch} unconfirmed at most)
               CPU: {rawCpu}
             ratio delivered/raw: {delivered / raw:0.00}
             """));
        return 0;
    }

    internal static async Task<IHost> StartHostAsync(BenchServers servers, BenchPhase phase, int batch, bool deliver = true)
    {
        var builder = Host.CreateApplicationBuilder();
        var settings = servers.Settings();
        settings["RabbitMq:PrefetchCount"] = "500";
        settings["Outbox:DeliveryEnabled"] = deliver ? "true" : "false";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(phase);
        builder.AddPostgresDbContext<BenchDbContext>("Bench");
        builder.AddTransactionsBus(x =>
        {
            x.AddPostgresOutbox<BenchDbContext>(o => o.DeliveryBatchSize = batch);
            x.AddConsumer<BenchMessageConsumer>();
        });
        var host = builder.Build();
        await host.StartAsync();
        var status = await host.Services.GetRequiredService<IBusControl>()
            .WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        if (status != BusHealthStatus.Healthy)
            throw new InvalidOperationException($"The bus did not become healthy: {status}");
        return host;
    }

    /// <summary>Commits all messages; returns the commit rate in msg/s.</summary>
    internal static async Task<int> WriteAsync(IHost host, BenchRecorder recorder, int messages, int writers, int perCommit, int? rate)
    {
        var next = -perCommit;
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var first = Interlocked.Add(ref next, perCommit);
                if (first >= messages)
                    return;
                if (rate is { } perSecond)
                {
                    // Pacing: commit number first/perCommit is due at first/rate seconds after the start.
                    var due = TimeSpan.FromSeconds((double)first / perSecond) - started.Elapsed;
                    if (due > TimeSpan.Zero)
                        await Task.Delay(due);
                }
                var last = Math.Min(first + perCommit, messages);
                await using var scope = host.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<BenchDbContext>();
                var publish = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
                db.Add(new BenchOrder { Amount = 12.34m, Currency = "EUR" });
                for (var i = first; i < last; i++)
                    await publish.Publish(new BenchMessage(i));
                await db.SaveChangesAsync();
                var at = Stopwatch.GetTimestamp();
                for (var i = first; i < last; i++)
                    recorder.Committed(i, at);
            }
        })));
        return (int)(messages / started.Elapsed.TotalSeconds);
    }

    static async Task<string> ShowAsync(string connectionString, string setting)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW " + setting, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
