namespace Ses.Domain.Referrals;

/// <summary>How the person reached the provider (SPEC 4.1).</summary>
public enum Channel
{
    Prap,
    Sro,
    Scr,
}

/// <summary>Benefit at referral (SPEC 4.2); drives the statistics' "by benefit" table.</summary>
public enum Benefit
{
    Jsa,
    Esa,
    Uc,
    Is,
    Ib,
    Other,
    None,
}

public static class VocabularyNames
{
    public static string ToSlug(this Channel channel) => Kebab.Of(channel);

    public static bool TryParseChannel(string? value, out Channel channel) => Kebab.TryParse(value, out channel);

    public static string ToSlug(this Benefit benefit) => benefit switch
    {
        Benefit.Jsa => "JSA",
        Benefit.Esa => "ESA",
        Benefit.Uc => "UC",
        Benefit.Is => "IS",
        Benefit.Ib => "IB",
        Benefit.Other => "other",
        Benefit.None => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(benefit)),
    };

    public static bool TryParseBenefit(string? value, out Benefit benefit)
    {
        foreach (var candidate in Enum.GetValues<Benefit>())
        {
            if (candidate.ToSlug() == value) { benefit = candidate; return true; }
        }
        benefit = default;
        return false;
    }
}
