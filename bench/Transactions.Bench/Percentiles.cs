namespace Transactions.Bench;

/// <summary>Nearest-rank percentiles of a sample, in the sample's unit.</summary>
public static class Percentiles
{
    public static double Of(double[] sorted, double percentile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
