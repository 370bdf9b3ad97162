namespace Ses.Domain.Referrals;

/// <summary>
/// The PRaP purchase order number, which is the referral ID (13.06, 13.61): exactly 9 digits, starting '2' for a
/// Universal Credit claimant and '1' for everyone else.
/// </summary>
public readonly record struct PurchaseOrderNumber
{
    private PurchaseOrderNumber(string value) => Value = value;

    public string Value { get; }

    public bool IsUniversalCredit => Value[0] == '2';

    public static bool TryParse(string? value, out PurchaseOrderNumber po, out string? error)
    {
        po = default;
        if (string.IsNullOrEmpty(value)) { error = "The PRaP purchase order number is required."; return false; }
        if (value.Length != 9 || !value.All(char.IsAsciiDigit))
        {
            error = "A PRaP purchase order number is exactly 9 digits (13.06).";
            return false;
        }
        if (value[0] is not ('1' or '2'))
        {
            error = "A PRaP purchase order number starts with 2 (Universal Credit) or 1 (other claimants) (13.06).";
            return false;
        }
        po = new PurchaseOrderNumber(value);
        error = null;
        return true;
    }

    public override string ToString() => Value;
}
