namespace Ses.Domain.Referrals;

/// <summary>
/// A National Insurance number (HMRC NIM39110, SPEC 4.2): two prefix letters, six digits, a suffix A-D; spaces ignored.
/// D, F, I, Q, U and V are never the first or second letter, O never the second, and BG, GB, KN, NK, NT, TN and ZZ are not
/// allocated. Temporary reference numbers are not NINOs.
/// </summary>
public readonly record struct Nino
{
    private const string NeverUsed = "DFIQUV";
    private static readonly string[] Unallocated = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];

    private Nino(string value) => Value = value;

    /// <summary>Upper case, no spaces: AB123456C.</summary>
    public string Value { get; }

    public static bool TryParse(string? text, out Nino nino, out string? error)
    {
        nino = default;
        error = Problem(text is null ? null : new string(text.Where(c => c != ' ').ToArray()).ToUpperInvariant());
        if (error is not null) return false;
        nino = new Nino(new string(text!.Where(c => c != ' ').ToArray()).ToUpperInvariant());
        return true;
    }

    private static string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "The NINO is required.";
        if (value.Length != 9 || !char.IsAsciiLetterUpper(value[0]) || !char.IsAsciiLetterUpper(value[1])
            || !value[2..8].All(char.IsAsciiDigit) || !char.IsAsciiLetterUpper(value[8]))
        {
            return "A NINO is two letters, six digits and a final letter, such as QQ123456C.";
        }
        if (value[8] is not ('A' or 'B' or 'C' or 'D')) return "The final letter of a NINO is A, B, C or D.";
        if (NeverUsed.Contains(value[0]) || NeverUsed.Contains(value[1])) return "D, F, I, Q, U and V are never used as the first or second letter of a NINO.";
        if (value[1] == 'O') return "O is never used as the second letter of a NINO.";
        if (Unallocated.Contains(value[..2])) return $"The prefix {value[..2]} is not used for NINOs.";
        return null;
    }

    public override string ToString() => Value;
}
