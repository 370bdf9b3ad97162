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
    public static string ToSlug(this Region region) => region switch
    {
        Region.EnglandAndWales => "england-and-wales",
        Region.Scotland => "scotland",
        Region.NorthernIreland => "northern-ireland",
        _ => throw new ArgumentOutOfRangeException(nameof(region)),
    };

    public static bool TryParse(string? slug, out Region region)
    {
        switch (slug)
        {
            case "england-and-wales": region = Region.EnglandAndWales; return true;
            case "scotland": region = Region.Scotland; return true;
            case "northern-ireland": region = Region.NorthernIreland; return true;
            default: region = default; return false;
        }
    }
}
