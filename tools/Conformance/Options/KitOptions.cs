using Transactions.Conformance.MessageSets;

namespace Transactions.Conformance.Options;

/// <summary>What one run of the kit checks, against what, and how long it waits.</summary>
public sealed record KitOptions
{
    public required Uri Broker { get; init; }

    /// <summary>The participant's messages, with the command-line overrides (queue, fields, probe) applied.</summary>
    public required MessageSet MessageSet { get; init; }

    public required string Resource { get; init; }
    public decimal Amount { get; init; } = 10m;
    public IReadOnlyList<KeyValuePair<string, string>> ProbeHeaders { get; init; } = [];
    public int Seeds { get; init; } = 10;
    public int Duplicates { get; init; } = 5;
    public string? RestartCommand { get; init; }
    public TimeSpan RestartTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The ids of the checks to run; empty runs them all.</summary>
    public IReadOnlySet<string> Checks { get; init; } = new HashSet<string>();
}
