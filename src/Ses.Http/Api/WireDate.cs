using System.Globalization;

namespace Ses.Http.Api;

/// <summary>
/// Dates as the API writes and reads them outside JSON bodies (query values, the links of the caseload's tiles, listings,
/// file names): ISO 8601 in the invariant culture, such as 2026-03-02, and months such as 2026-03.
/// </summary>
public static class WireDate
{
    public const string Format = "yyyy-MM-dd";

    public static string Of(DateOnly date) => date.ToString(Format, CultureInfo.InvariantCulture);

    public static string MonthOf(DateOnly date) => date.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
