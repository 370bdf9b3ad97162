using System.Text;

namespace Ses.Infrastructure.Journeys;

/// <summary>
/// Keys of the journey listings in the Index table. Every row of that table lives in one partition, <see cref="Partition"/>,
/// so a list is one range query and a journey's rows move in one transaction. Known limit: Azure serves about 2,000
/// entities a second from one partition, so reads and writes of listings together are capped there.
/// <list type="bullet">
/// <item><c>l|{provider}|{journeyId}</c>: the listing, one per journey, found by its ID (the caseload counts and the
/// statistics scan these).</item>
/// <item><c>d|{scope}|{next due}|{journeyId}</c>: the same listing in next-due order (ADR 009), twice: scope <c>*</c> for
/// every provider's list, and the provider's own for its list. Journeys with nothing due (closed) come last (<c>~</c>).
/// The commit that changes a journey's next due moves these rows in the transaction that writes its listing.</item>
/// </list>
/// Other writers keep their own prefixes in the same partition (<c>v|</c> wake-up rows, <c>a|</c> purchase order
/// claims), which no listing range ever reaches.
/// </summary>
public static class IndexKeys
{
    public const string Partition = "j";
    public const string ListingPrefix = "l|";
    public const string DuePrefix = "d|";

    /// <summary>The scope of every provider's journeys: <see cref="Escape"/> never writes a '*'.</summary>
    public const string EveryProvider = "*";

    /// <summary>The next-due part of a journey with nothing due: after every date.</summary>
    public const string NothingDue = "~";

    public static string Listing(string provider, string journeyId) => $"{ListingPrefix}{Escape(provider)}|{Escape(journeyId)}";

    /// <summary>A listing's row in next-due order: in every provider's list (<paramref name="provider"/> null) or its provider's.</summary>
    public static string Due(string? provider, DateOnly? due, string journeyId) => $"{DueScope(provider)}{Day(due)}|{Escape(journeyId)}";

    /// <summary>
    /// The next-due rows of one scope, <c>[from, to)</c>, due on or after <paramref name="from"/> and before
    /// <paramref name="before"/> when given: a date range of the list is a row key range.
    /// </summary>
    public static (string From, string To) DueRange(string? provider, DateOnly? from = null, DateOnly? before = null)
    {
        var scope = DueScope(provider);
        return (from is { } f ? scope + Day(f) : scope, before is { } b ? scope + Day(b) : scope[..^1] + "}");
    }

    private static string DueScope(string? provider) => $"{DuePrefix}{(provider is null ? EveryProvider : Escape(provider))}|";

    private static string Day(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? NothingDue;

    /// <summary>
    /// The row keys of every listing, or of one provider's: <c>[from, to)</c>. An escaped provider holds no <c>|</c>, so
    /// <c>l|{provider}|</c> up to (not including) <c>l|{provider}}</c> (<c>}</c> follows <c>|</c>) is exactly that provider's.
    /// </summary>
    public static (string From, string To) ListingRange(string? provider) =>
        provider is null ? (ListingPrefix, "l}") : ($"{ListingPrefix}{Escape(provider)}|", $"{ListingPrefix}{Escape(provider)}}}");

    /// <summary>
    /// A key part safe in a row key and reversible (one string per part, so two providers never share a range): letters, digits, '-', '_' and '.' stay as they are (provider and journey
    /// IDs in practice); every other character becomes '!' and the hex of its UTF-8 bytes. That removes the characters row
    /// keys may not hold ('/', '\', '#', '?', control characters), the separator '|', and the '%' and quote that some URL
    /// paths of single-entity requests mangle. At most 50 provider characters (ReferralLimits) stay far below the 1 KiB key limit.
    /// </summary>
    public static string Escape(string part)
    {
        var escaped = new StringBuilder(part.Length);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in part.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '-' or '_' or '.'))
            {
                escaped.Append((char)rune.Value);
                continue;
            }
            foreach (var b in bytes[..rune.EncodeToUtf8(bytes)]) escaped.Append('!').Append(b.ToString("X2"));
        }
        return escaped.ToString();
    }
}
