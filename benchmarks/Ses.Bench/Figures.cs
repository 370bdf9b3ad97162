using System.Globalization;

namespace Ses.Bench;

/// <summary>How a figure reads: a rate (higher is better) or a time (lower is better).</summary>
public enum Kind
{
    Rate,
    Millis,
}

/// <summary>One line of a table: the product's figure, the raw SDK's for the same work, and storage round trips per operation.</summary>
public sealed record Figure(string Operation, Kind Kind, double Product, double Raw, double? ProductRoundTrips, double? RawRoundTrips, string Unit)
{
    /// <summary>How many times the raw SDK's cost the product's is: raw rate / product rate, or product time / raw time.</summary>
    public double Ratio => Kind == Kind.Rate ? Raw / Product : Product / Raw;
}

public static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    public static string Format(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "n/a"
        : value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value >= 10 ? value.ToString("N1", CultureInfo.InvariantCulture)
        : value.ToString("N2", CultureInfo.InvariantCulture);
}
