using System.Globalization;

namespace Transactions.Conformance.Probe;

/// <summary>
/// Named amounts or counts read from the participant's resource (for an account: held and balance), or the change of
/// them between two reads. Names keep the order the message set gives them, so evidence reads the same every time.
/// </summary>
public sealed class Quantities
{
    readonly IReadOnlyList<KeyValuePair<string, decimal>> _values;

    public Quantities(IEnumerable<KeyValuePair<string, decimal>> values) => _values = values.ToList();

    public static Quantities Zero(IEnumerable<string> names) => new(names.Select(n => KeyValuePair.Create(n, 0m)));

    public decimal this[string name] => _values.First(v => v.Key == name).Value;

    public Quantities Plus(Quantities other) => new(_values.Select(v => KeyValuePair.Create(v.Key, v.Value + other[v.Key])));

    public Quantities Minus(Quantities other) => new(_values.Select(v => KeyValuePair.Create(v.Key, v.Value - other[v.Key])));

    public Quantities Times(decimal factor) => new(_values.Select(v => KeyValuePair.Create(v.Key, v.Value * factor)));

    public bool SameAs(Quantities other) => _values.All(v => v.Value == other[v.Key]);

    /// <summary>As a change: <c>held +10.00, balance -10.00</c>.</summary>
    public string AsChange() => string.Join(", ", _values.Select(v =>
        $"{v.Key} {v.Value.ToString("+0.00##;-0.00##;0.00", CultureInfo.InvariantCulture)}"));

    public override string ToString() => string.Join(", ", _values.Select(v =>
        $"{v.Key} {v.Value.ToString("0.00##", CultureInfo.InvariantCulture)}"));
}
