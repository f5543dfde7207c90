using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Transactions.Conformance.Checks;
using Transactions.Conformance.MessageSets;
using Transactions.Conformance.Probe;

namespace Transactions.Conformance.Options;

/// <summary>Reads the command line into <see cref="KitOptions"/>; a wrong option is an error naming it.</summary>
public static class KitArguments
{
    static readonly HashSet<string> Repeatable = ["--field", "--probe-path", "--probe-header"];

    /// <returns>The options, or null when <c>--help</c> was asked for.</returns>
    /// <exception cref="FormatException">An option is unknown, missing its value, or wrong; the message names it.</exception>
    public static KitOptions? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args.Any(a => a is "--help" or "-h" or "-?"))
            return null;
        var values = Collect(args);
        string? One(string name) => values.TryGetValue(name, out var v) ? v[^1] : null;
        IReadOnlyList<string> All(string name) => values.TryGetValue(name, out var v) ? v : [];

        if (One("--branch") is not null && One("--message-set") is not null)
            throw new FormatException("--branch and --message-set: give one of them.");
        var set = One("--message-set") is { } file ? MessageSetFile.Load(file) : Branch(One("--branch") ?? "debit");
        set = set with
        {
            Queue = One("--queue") ?? set.Queue,
            TryFields = WithFields(set.TryFields, All("--field")),
            ProbeUrl = One("--probe-url") ?? set.ProbeUrl,
            ProbePaths = WithPaths(set.ProbePaths, All("--probe-path")),
        };
        foreach (var (name, path) in set.ProbePaths)
            Try(() => JsonPath.Parse(path), $"--probe-path {name}");

        var checks = (One("--checks") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet();
        if (checks.FirstOrDefault(c => !CheckCatalog.Ids.Contains(c)) is { } unknown)
            throw new FormatException($"--checks: {unknown} is not a check ({string.Join(", ", CheckCatalog.Ids)}).");

        return new KitOptions
        {
            Broker = Try(() => new Uri(One("--broker") ?? Environment.GetEnvironmentVariable("RABBITMQ_URL")
                ?? "amqp://guest:guest@127.0.0.1:5672/"), "--broker"),
            MessageSet = set,
            Resource = One("--resource") is { Length: > 0 } resource ? resource
                : throw new FormatException("--resource is required: the account or resource the Trys name."),
            Amount = Number("--amount", One("--amount"), 10m, min: 0.0001m),
            ProbeHeaders = All("--probe-header").Select(Header).ToList(),
            Seeds = (int)Number("--seeds", One("--seeds"), 10m, min: 0, whole: true),
            Duplicates = (int)Number("--duplicates", One("--duplicates"), 5m, min: 2, whole: true),
            RestartCommand = One("--restart-command"),
            RestartTimeout = TimeSpan.FromSeconds((double)Number("--restart-timeout", One("--restart-timeout"), 120m, min: 1)),
            ReplyTimeout = TimeSpan.FromSeconds((double)Number("--reply-timeout", One("--reply-timeout"), 15m, min: 0.1m)),
            Checks = checks,
        };
    }

    static Dictionary<string, List<string>> Collect(IReadOnlyList<string> args)
    {
        var known = new HashSet<string>
        {
            "--branch", "--message-set", "--queue", "--resource", "--amount", "--field", "--probe-url", "--probe-path",
            "--probe-header", "--checks", "--seeds", "--duplicates", "--restart-command", "--broker", "--reply-timeout",
            "--restart-timeout",
        };
        var values = new Dictionary<string, List<string>>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!known.Contains(name))
                throw new FormatException($"{name} is not an option of the kit (see --help).");
            if (i + 1 >= args.Count)
                throw new FormatException($"{name} needs a value.");
            if (values.ContainsKey(name) && !Repeatable.Contains(name))
                throw new FormatException($"{name} is given twice.");
            values.TryAdd(name, []);
            values[name].Add(args[++i]);
        }
        return values;
    }

    static MessageSet Branch(string name) => BankMessageSets.All.FirstOrDefault(s => s.Name == name)
        ?? throw new FormatException($"--branch {name}: not one of {string.Join(", ", BankMessageSets.All.Select(s => s.Name))}.");

    static Dictionary<string, JsonNode?> WithFields(IReadOnlyDictionary<string, JsonNode?> fields, IEnumerable<string> given)
    {
        var all = new Dictionary<string, JsonNode?>(fields);
        foreach (var (name, value) in given.Select(g => Pair("--field", g)))
            all[name] = Try(() => JsonNode.Parse(value), null) ?? JsonValue.Create(value);
        return all;
    }

    static List<KeyValuePair<string, string>> WithPaths(IReadOnlyList<KeyValuePair<string, string>> paths,
        IEnumerable<string> given)
    {
        var all = paths.ToList();
        foreach (var (name, path) in given.Select(g => Pair("--probe-path", g)))
        {
            var at = all.FindIndex(p => p.Key == name);
            if (at < 0)
                throw new FormatException($"--probe-path {name}: the message set has no quantity {name} " +
                                          $"({string.Join(", ", all.Select(p => p.Key))}).");
            all[at] = KeyValuePair.Create(name, path);
        }
        return all;
    }

    static KeyValuePair<string, string> Pair(string option, string text)
    {
        var equals = text.IndexOf('=');
        return equals > 0 ? KeyValuePair.Create(text[..equals].Trim(), text[(equals + 1)..].Trim())
            : throw new FormatException($"{option} {text}: expected NAME=VALUE.");
    }

    static KeyValuePair<string, string> Header(string text)
    {
        var colon = text.IndexOf(':');
        return colon > 0 ? KeyValuePair.Create(text[..colon].Trim(), text[(colon + 1)..].Trim())
            : throw new FormatException($"--probe-header {text}: expected \"Name: value\".");
    }

    static decimal Number(string option, string? text, decimal fallback, decimal min, bool whole = false)
    {
        if (text is null)
            return fallback;
        if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) || value < min
            || (whole && value != decimal.Truncate(value)))
            throw new FormatException($"{option} {text}: expected {(whole ? "a whole number" : "a number")} of at least {min}.");
        return value;
    }

    /// <summary>Runs a conversion; its failure becomes an error naming <paramref name="option"/>, or null without one.</summary>
    static T Try<T>(Func<T> convert, string? option)
    {
        try
        {
            return convert();
        }
        catch (Exception e) when (e is FormatException or JsonException or UriFormatException)
        {
            return option is null ? default! : throw new FormatException($"{option}: {e.Message}");
        }
    }
}
