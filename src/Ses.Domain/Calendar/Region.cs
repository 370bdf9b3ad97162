namespace Ses.Domain.Calendar;

/// <summary>The bank-holiday divisions of GOV.UK; a journey's working days follow its region (SPEC 3).</summary>
public enum Region
{
    EnglandAndWales,
    Scotland,
    NorthernIreland,
}

public static class RegionNames
{
    public static string ToSlug(this Region region) => Kebab.Of(region);

    public static bool TryParse(string? slug, out Region region) => Kebab.TryParse(slug, out region);
}
