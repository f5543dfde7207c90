using System.Globalization;

namespace Transactions.Bench;

/// <summary>The <c>--name value</c> options after the mode, read by name with a default.</summary>
public sealed class BenchOptions(IReadOnlyDictionary<string, string> values)
{
    public static BenchOptions Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
                name = arg[2..];
            else if (name is not null)
            {
                values[name] = arg;
                name = null;
            }
        }
        return new BenchOptions(values);
    }

    public int Int(string name, int fallback) =>
        values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string Text(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public bool Has(string name) => values.ContainsKey(name);

    public static int Usage(string text)
    {
        Console.Error.WriteLine("usage: dotnet run -c Release --project bench/Transactions.Bench -- " + text);
        return 2;
    }
}
