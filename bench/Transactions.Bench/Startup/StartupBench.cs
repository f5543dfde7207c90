using System.Globalization;

namespace Transactions.Bench.Startup;

/// <summary>
/// Mode <c>startup</c>: the built coordinator started <c>--starts N</c> times as its own process, as
/// <c>scripts/run.sh</c> starts it (Development, migrations at start-up, on a database and virtual host of the run's
/// own); for each start the time until <c>/health/ready</c> answers 200, counted from process creation, and the
/// resident memory after <c>--idle-seconds S</c> of idling, split into anonymous, file and shared memory. One untimed
/// start first creates the schema and warms the file cache, so every timed start finds the same database.
/// Runtime settings to try go in the bench's environment (<c>DOTNET_TieredPGO=0</c>, <c>DOTNET_gcServer=0</c>), which
/// the service inherits; <c>--dll</c> measures another build of it (a published one, say).
/// </summary>
static class StartupBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var starts = options.Int("starts", 3);
        var idleSeconds = options.Int("idle-seconds", 60);
        var largest = options.Int("largest", 12);
        var root = RepositoryRoot();
        var dll = Path.GetFullPath(options.Text("dll",
            Path.Combine(root, "src/Coordinator/bin/Release/net10.0/Transactions.Coordinator.dll")));
        if (!File.Exists(dll))
            return BenchOptions.Usage($"startup: no {dll}; build the solution in Release first, or give --dll");

        await using var servers = await BenchServers.CreateAsync("startup");
        var settings = servers.Settings();
        settings["ASPNETCORE_ENVIRONMENT"] = "Development";
        settings["ConnectionStrings:Coordinator"] = servers.PostgresConnectionString(servers.Name);
        var contentRoot = Path.Combine(root, "src/Coordinator");

        Console.WriteLine($"startup: {dll}, {starts} starts after an untimed one, {idleSeconds} s idle each; " +
                          $"DOTNET_* in the environment: {DotnetSettings()}");
        await using (var first = await ServiceRun.StartReadyAsync(dll, contentRoot, settings))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  untimed first start (creates the schema): ready after {first.Ready.TotalMilliseconds:N0} ms"));

        var runs = new List<(TimeSpan Ready, TimeSpan Cpu, ProcessMemory Memory, IReadOnlyList<(TimeSpan, string)> Lines)>();
        for (var start = 1; start <= starts; start++)
        {
            await using var run = await ServiceRun.StartReadyAsync(dll, contentRoot, settings);
            await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
            var memory = ProcessMemory.Read(run.Pid, largest);
            runs.Add((run.Ready, run.CpuUntilReady, memory, run.Lines));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  start {start}: ready after {run.Ready.TotalMilliseconds:N0} ms ({run.CpuUntilReady.TotalMilliseconds:N0} ms of CPU); after {idleSeconds} s idle {memory.Summary()}; load average {Machine.LoadAverage()}"));
        }

        var median = runs.OrderBy(r => r.Ready).ElementAt(runs.Count / 2);
        var cpu = runs.Select(r => r.Cpu).Order().ElementAt(runs.Count / 2);
        var rss = runs.Select(r => r.Memory).OrderBy(m => m.RssKb).ElementAt(runs.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"""
             median: ready after {median.Ready.TotalMilliseconds:N0} ms, {cpu.TotalMilliseconds:N0} ms of CPU until ready; {rss.Summary()}
             largest mappings of the start with the median RSS (resident MB):
             {string.Join('\n', rss.Largest.Select(m => $"  {ProcessMemory.Mb(m.RssKb),7}  {m.Mapping}"))}
             start-up log of the start with the median time to ready (s since the process was created):
             {string.Join('\n', Timeline(median.Lines, median.Ready))}
             """));
        return 0;
    }

    /// <summary>
    /// Each log entry written before the service was ready, on one line with its time: the console logger writes a
    /// header line (<c>info: Category[0]</c>) and then the message, indented.
    /// </summary>
    static IEnumerable<string> Timeline(IReadOnlyList<(TimeSpan At, string Line)> lines, TimeSpan ready)
    {
        string? header = null;
        foreach (var (at, line) in lines.Where(l => l.At <= ready))
        {
            if (!line.StartsWith(' '))
            {
                header = line;
                continue;
            }
            var text = $"{header?.Split(':')[0]} {line.Trim()}";
            yield return string.Create(CultureInfo.InvariantCulture,
                $"  {at.TotalSeconds,6:0.000}  {(text.Length > 140 ? text[..140] + "..." : text)}");
        }
        yield return string.Create(CultureInfo.InvariantCulture, $"  {ready.TotalSeconds,6:0.000}  ready");
    }

    // Settings of the SDK and the host, not of the runtime: left out of the line that says what was measured.
    static readonly string[] SdkSettings = ["DOTNET_CLI_", "DOTNET_NOLOGO", "DOTNET_ROOT", "DOTNET_GENERATE_ASPNET_CERTIFICATE"];

    static string DotnetSettings()
    {
        var set = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) && !SdkSettings.Any(k.StartsWith))
            .Order().Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}").ToList();
        return set.Count == 0 ? "none" : string.Join(' ', set);
    }

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Transactions.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No Transactions.sln above {AppContext.BaseDirectory}");
    }
}
