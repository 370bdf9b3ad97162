using System.Text;

namespace Ses.Domain;

/// <summary>
/// The documented bounds of what clients may send (README, "Limits"): one limit for every free-text field, a limit for
/// <c>eventId</c>, and the range of dates the product accepts anywhere. They keep every stored value well inside Azure
/// Table's 64 KiB property limit and every date inside the calendar's arithmetic.
/// </summary>
public static class InputLimits
{
    /// <summary>Free text (reasons, employer, UCPR1 content, address, terminate reason...): at most 400 characters.</summary>
    public const int FreeText = 400;

    /// <summary>The idempotency key of an event: 1 to 200 characters, any characters.</summary>
    public const int EventId = 200;

    /// <summary>The earliest date accepted anywhere (SES referrals began after it).</summary>
    public static readonly DateOnly EarliestDate = new(2015, 1, 1);

    /// <summary>The latest date accepted anywhere.</summary>
    public static readonly DateOnly LatestDate = new(2100, 12, 31);

    public static bool InRange(DateOnly date) => date >= EarliestDate && date <= LatestDate;

    public static string RangeText => $"{EarliestDate:yyyy-MM-dd} to {LatestDate:yyyy-MM-dd}";

    /// <summary>
    /// What is wrong with a text value, or null: longer than <paramref name="max"/>, not well-formed UTF-16 (a lone
    /// surrogate, which has no UTF-8 form), or a control character other than tab, carriage return and line feed
    /// (when <paramref name="allowLineBreaks"/>; none at all otherwise).
    /// </summary>
    public static string? TextProblem(string name, string value, int max, bool allowLineBreaks)
    {
        if (value.Length > max) return $"{name} is at most {max} characters (it has {value.Length}).";
        if (!IsWellFormed(value)) return $"{name} is not valid Unicode text (it holds a lone surrogate).";
        if (value.Any(c => char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\r' or '\n')))
        {
            return allowLineBreaks ? $"{name} contains control characters other than tab and line breaks." : $"{name} contains control characters.";
        }
        return null;
    }

    private static bool IsWellFormed(string value)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var used) != System.Buffers.OperationStatus.Done) return false;
            rest = rest[used..];
        }
        return true;
    }
}
