using System.Text;

namespace Ses.Infrastructure.Journeys;

/// <summary>
/// Keys of the journey listings in the Index table. Every row of that table lives in one partition, <see cref="Partition"/>,
/// so a list is one range query. Known limit: Azure serves about 2,000 entities a second from one partition, so reads
/// and writes of listings together are capped there. Listing rows are <c>l|{provider}|{journeyId}</c>; other writers keep
/// their own prefixes in the same partition (<c>w|</c> wake-up rows), which no listing range ever reaches.
/// </summary>
public static class IndexKeys
{
    public const string Partition = "j";
    public const string ListingPrefix = "l|";

    /// <summary>Present once every journey created before listings existed has one (the start-up backfill ran to the end).</summary>
    public const string BackfillMarker = "meta|listings-v1";

    public static string Listing(string provider, string journeyId) => $"{ListingPrefix}{Escape(provider)}|{Escape(journeyId)}";

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
