using System.Text.RegularExpressions;

namespace Ses.Domain.Referrals;

/// <summary>
/// A UK postcode (SPEC 4.2): outward code A9, A99, AA9, AA99, A9A or AA9A, then the inward code 9AA (or GIR 0AA). Any case
/// and any spacing are accepted and normalised to upper case with one space.
/// </summary>
public readonly partial record struct Postcode
{
    private Postcode(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse(string? text, out Postcode postcode, out string? error)
    {
        postcode = default;
        var compact = text is null ? "" : new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
        if (compact.Length is < 5 or > 7 || !(Shape().IsMatch(compact) || compact == "GIR0AA"))
        {
            error = "A postcode looks like LS1 4AB: an outward code (A9, A99, AA9, AA99, A9A or AA9A) and an inward code (9AA).";
            return false;
        }
        postcode = new Postcode($"{compact[..^3]} {compact[^3..]}");
        error = null;
        return true;
    }

    public override string ToString() => Value;

    [GeneratedRegex("^(?:[A-Z][0-9]{1,2}|[A-Z]{2}[0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z]{2}[0-9][A-Z])[0-9][A-Z]{2}$")]
    private static partial Regex Shape();
}
