using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Transactions.Outbox.Barrier;
using Transactions.Participants.Sample.Bank.Accounts;
using Transactions.Participants.Sample.Bank.Branches;
using Transactions.Participants.Sample.Bank.Persistence;
using Transactions.Participants.Tcc;
using Transactions.ServiceDefaults.Persistence;

namespace Transactions.Bench.BarrierPurge;

/// <summary>
/// <c>barrier-purge</c>: the bank's Try and Confirm, through its real branch code and barrier, while
/// <see cref="TccBarrier.PurgeAsync(DbContext, DateTimeOffset, int, CancellationToken)"/> removes a million expired
/// barrier rows. Prints the calls' latency before and during the purge, and how long the purge took.
/// </summary>
static class BarrierPurgeBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var rows = options.Int("rows", 1_000_000);
        var workers = options.Int("workers", 4);
        var batch = options.Int("batch", TccBarrier.DefaultPurgeBatchSize);
        var baselineSeconds = options.Int("baseline-seconds", 20);

        await using var servers = await BenchServers.CreateAsync("barrier");
        await using var provider = Bank(servers.PostgresConnectionString(servers.Name));
        await using (var scope = provider.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<BankDbContext>().Database.MigrateAsync();
        for (var worker = 0; worker < workers; worker++)
            await OpenAccountAsync(provider, $"acc-{worker}");

        var seeding = Stopwatch.StartNew();
        await SeedAsync(servers.PostgresConnectionString(servers.Name), rows);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seeded {rows:N0} barrier rows issued 8 to 9 days ago in {seeding.Elapsed.TotalSeconds:0.0} s (VACUUM ANALYZE, CHECKPOINT included)"));

        // Every call is timed with its start; the calls that started while the purge ran are the ones it could stall.
        var calls = new ConcurrentBag<(long Started, double Ms)>();
        using var stop = new CancellationTokenSource();
        var traffic = Enumerable.Range(0, workers).Select(w => Task.Run(() => BranchTrafficAsync(provider, $"acc-{w}", calls, stop.Token))).ToList();

        // The first half of the baseline warms the JIT and the pool up; the second half is the latency without a purge.
        await Task.Delay(TimeSpan.FromSeconds(baselineSeconds));
        var baselineFrom = Stopwatch.GetTimestamp() - Stopwatch.Frequency * baselineSeconds / 2;
        var purgeStarted = Stopwatch.GetTimestamp();
        int deleted;
        await using (var scope = provider.CreateAsyncScope())
            deleted = await TccBarrier.PurgeAsync(scope.ServiceProvider.GetRequiredService<BankDbContext>(),
                DateTimeOffset.UtcNow.AddDays(-7), batch);
        var purgeEnded = Stopwatch.GetTimestamp();
        await stop.CancelAsync();
        await Task.WhenAll(traffic);

        var purgeSeconds = Stopwatch.GetElapsedTime(purgeStarted, purgeEnded).TotalSeconds;
        var before = Sorted(calls.Where(c => c.Started >= baselineFrom && c.Started < purgeStarted));
        var during = Sorted(calls.Where(c => c.Started >= purgeStarted && c.Started < purgeEnded));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
             barrier-purge: {deleted:N0} rows deleted in {purgeSeconds:0.0} s ({deleted / purgeSeconds:N0} rows/s), batches of {batch}; {workers} workers each running Try then Confirm of a new branch
               before the purge: {Summary(before, baselineSeconds / 2.0)}
               during the purge: {Summary(during, purgeSeconds)}
               load average {Machine.LoadAverage()}
             """));
        return deleted == rows ? 0 : 1;
    }

    static ServiceProvider Bank(string connectionString) => new ServiceCollection()
        .AddDbContextPool<BankDbContext>(o => o.UseNpgsql(connectionString,
            npgsql => npgsql.MigrationsHistoryTable(DatabaseRegistration.MigrationsHistoryTable)).UseSnakeCaseNamingConvention())
        .AddSingleton(TimeProvider.System)
        .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
        .AddScoped<BankBranches>()
        .AddScoped<TccBranchRunner<BankDbContext>>()
        .AddSingleton(TccParticipantSettings<BankDbContext>.Default)
        .BuildServiceProvider();

    static async Task OpenAccountAsync(IServiceProvider provider, string id)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BankDbContext>();
        var account = new Account { AccountId = id, Currency = "EUR", Available = 1_000_000_000m };
        db.Accounts.Add(account);
        db.Ledger.Add(account.Open(DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
    }

    /// <summary>Expired branches, a Try and a Confirm row each, spread over one day that is all behind the horizon.</summary>
    static async Task SeedAsync(string connectionString, int rows)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in new[]
                 {
                     """
                     INSERT INTO tcc_barrier (transaction_id, branch_id, phase, origin, issued_at, recorded_at)
                     SELECT t.id, t.id, p.phase, p.phase, t.issued_at, t.issued_at
                     FROM (SELECT gen_random_uuid() AS id,
                                  now() - interval '9 days' + i * interval '1 day' / @branches AS issued_at
                           FROM generate_series(1, @branches) AS i) AS t
                     CROSS JOIN (VALUES ('try'), ('confirm')) AS p(phase)
                     """,
                     "VACUUM (ANALYZE) tcc_barrier",
                     "CHECKPOINT",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddWithValue("branches", rows / 2);
            await command.ExecuteNonQueryAsync();
        }
    }

    static async Task BranchTrafficAsync(IServiceProvider provider, string account,
        ConcurrentBag<(long Started, double Ms)> calls, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var (transferId, branchId) = (Guid.NewGuid(), TccBarrier.NewBranchId(DateTimeOffset.UtcNow));
            await TimedAsync(provider, calls, b => b.TryAsync(transferId, branchId, HoldSide.Debit, account, 1m, "EUR", CancellationToken.None));
            await TimedAsync(provider, calls, b => b.ConfirmAsync(transferId, branchId, CancellationToken.None));
        }
    }

    /// <summary>One call as one message delivery makes it: a scope, a pooled context, the call's own transaction.</summary>
    static async Task TimedAsync<T>(IServiceProvider provider, ConcurrentBag<(long Started, double Ms)> calls,
        Func<BankBranches, Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        await using (var scope = provider.CreateAsyncScope())
            await call(scope.ServiceProvider.GetRequiredService<BankBranches>());
        calls.Add((started, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
    }

    static double[] Sorted(IEnumerable<(long Started, double Ms)> calls) => calls.Select(c => c.Ms).Order().ToArray();

    static string Summary(double[] sorted, double seconds) => string.Create(CultureInfo.InvariantCulture,
        $"{sorted.Length:N0} calls ({sorted.Length / seconds:0}/s), p50 {Percentiles.Of(sorted, 50):0.0} ms, " +
        $"p99 {Percentiles.Of(sorted, 99):0.0} ms, max {(sorted.Length == 0 ? double.NaN : sorted[^1]):0.0} ms");
}
