using System.Globalization;
using System.Text.RegularExpressions;

namespace Transactions.Bench.Startup;

/// <summary>
/// What a process holds in memory, from <c>/proc</c> (Linux only). The kernel splits the resident set three ways:
/// anonymous memory (the GC heap, native allocations, thread stacks), file pages (the mapped .dll and .so files, shared
/// with other processes that map them) and shared memory. A .NET process's shared memory is the runtime's own: with
/// W^X on (the default) its JIT-compiled code and its type data (loader heaps) live in a <c>memfd</c> mapped twice,
/// writable and executable, so they count there and not as anonymous memory.
/// </summary>
sealed record ProcessMemory(long RssKb, long AnonymousKb, long FileKb, long SharedKb, int Threads,
    IReadOnlyList<(string Mapping, long RssKb)> Largest)
{
    public static ProcessMemory Read(int pid, int largest)
    {
        var status = File.ReadAllLines($"/proc/{pid}/status");
        long Kb(string field) => long.Parse(status.Single(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return new ProcessMemory(Kb("VmRSS"), Kb("RssAnon"), Kb("RssFile"), Kb("RssShmem"),
            Directory.GetDirectories($"/proc/{pid}/task").Length, ByMapping(pid).Take(largest).ToList());
    }

    // "7f12a000-7f12b000 r-xp 00000000 08:01 1234   /usr/share/dotnet/shared/.../libcoreclr.so"
    static readonly Regex MappingHeader = new(@"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(?<name>.*)$");

    /// <summary>Resident kB per mapped file (all its mappings together), the double-mapped runtime memory, and the rest.</summary>
    static IEnumerable<(string, long)> ByMapping(int pid)
    {
        var totals = new Dictionary<string, long>();
        var current = "";
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var header = MappingHeader.Match(line);
            if (header.Success)
                current = Describe(header.Groups["name"].Value.Trim());
            else if (line.StartsWith("Rss:", StringComparison.Ordinal))
                totals[current] = totals.GetValueOrDefault(current) + long.Parse(
                    line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        return totals.OrderByDescending(t => t.Value).Select(t => (t.Key, t.Value));
    }

    static string Describe(string name) => name switch
    {
        "" => "anonymous (GC heap, native heap, stacks)",
        "[heap]" => "anonymous: [heap] (malloc)",
        _ when name.Contains("doublemapper", StringComparison.Ordinal) => "runtime: JIT code and type data (W^X memfd)",
        _ when name.StartsWith('/') => Path.GetFileName(name),
        _ => name,
    };

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"RSS {Mb(RssKb)} MB: anonymous {Mb(AnonymousKb)}, files {Mb(FileKb)}, shared memory {Mb(SharedKb)}; {Threads} threads");

    public static string Mb(long kb) => (kb / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
}
