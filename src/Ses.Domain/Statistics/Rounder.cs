namespace Ses.Domain.Statistics;

/// <summary>
/// The publication rounds counts to the nearest 10 ("9,390 referrals") and rates to whole percents ("72%"), both half
/// away from zero and computed from unrounded figures. Without rounding, rates keep one decimal place.
/// </summary>
public sealed class Rounder(Rounding rounding)
{
    public decimal Count(decimal value) => rounding == Rounding.Publication
        ? Math.Round(value / 10m, MidpointRounding.AwayFromZero) * 10m
        : Math.Round(value, 2, MidpointRounding.AwayFromZero);

    /// <summary>A percentage of <paramref name="of"/>, or null when there is nothing to divide by.</summary>
    public decimal? Rate(decimal part, decimal of) =>
        of == 0 ? null : Math.Round(part * 100m / of, rounding == Rounding.Publication ? 0 : 1, MidpointRounding.AwayFromZero);
}
