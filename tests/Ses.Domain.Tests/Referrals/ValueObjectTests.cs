using Ses.Domain.Referrals;

namespace Ses.Domain.Tests.Referrals;

public sealed class ValueObjectTests
{
    [Theory] // 13.06, 13.61
    [InlineData("200123456", true)]
    [InlineData("100123456", false)]
    public void A_purchase_order_number_starting_2_is_universal_credit(string value, bool uc)
    {
        Assert.True(PurchaseOrderNumber.TryParse(value, out var po, out _));
        Assert.Equal(uc, po.IsUniversalCredit);
    }

    [Theory] // 13.06: exactly 9 digits starting 1 or 2
    [InlineData("")]
    [InlineData(null)]
    [InlineData("20012345")]
    [InlineData("2001234567")]
    [InlineData("300123456")]
    [InlineData("000123456")]
    [InlineData("20012345a")]
    [InlineData(" 200123456")]
    [InlineData("２00123456")]
    public void Anything_else_is_not_a_purchase_order_number(string? value)
    {
        Assert.False(PurchaseOrderNumber.TryParse(value, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory] // SPEC 4.2, HMRC NIM39110
    [InlineData("AB123456C", "AB123456C")]
    [InlineData("ab 12 34 56 c", "AB123456C")]
    [InlineData("JG103759A", "JG103759A")]
    [InlineData("OA123456D", "OA123456D")]
    [InlineData("ZA123456B", "ZA123456B")]
    public void Valid_NINOs_are_normalised(string text, string expected)
    {
        Assert.True(Nino.TryParse(text, out var nino, out var error), error);
        Assert.Equal(expected, nino.Value);
    }

    [Theory] // NIM39110 prefix and suffix rules; temporary reference numbers are not NINOs
    [InlineData("DA123456A")]
    [InlineData("FA123456A")]
    [InlineData("IA123456A")]
    [InlineData("QA123456A")]
    [InlineData("UA123456A")]
    [InlineData("VA123456A")]
    [InlineData("AD123456A")]
    [InlineData("AF123456A")]
    [InlineData("AI123456A")]
    [InlineData("AQ123456A")]
    [InlineData("AU123456A")]
    [InlineData("AV123456A")]
    [InlineData("AO123456A")]
    [InlineData("BG123456A")]
    [InlineData("GB123456A")]
    [InlineData("KN123456A")]
    [InlineData("NK123456A")]
    [InlineData("NT123456A")]
    [InlineData("TN123456A")]
    [InlineData("ZZ123456A")]
    [InlineData("AB123456E")]
    [InlineData("AB123456")]
    [InlineData("AB1234567C")]
    [InlineData("A1234567C")]
    [InlineData("12345678A")]
    [InlineData("")]
    [InlineData("TN010180M")]
    public void Invalid_NINOs_are_refused(string text) => Assert.False(Nino.TryParse(text, out _, out _));

    [Theory] // SPEC 4.2: accept any case and spacing, normalise
    [InlineData("ls14ab", "LS1 4AB")]
    [InlineData(" sw1a   1aa ", "SW1A 1AA")]
    [InlineData("M1 1AE", "M1 1AE")]
    [InlineData("b338th", "B33 8TH")]
    [InlineData("CR26XH", "CR2 6XH")]
    [InlineData("DN551PT", "DN55 1PT")]
    [InlineData("W1A 0AX", "W1A 0AX")]
    [InlineData("EC1A1BB", "EC1A 1BB")]
    [InlineData("gir0aa", "GIR 0AA")]
    public void Postcodes_of_every_shape_are_normalised(string text, string expected)
    {
        Assert.True(Postcode.TryParse(text, out var postcode, out _));
        Assert.Equal(expected, postcode.Value);
    }

    [Theory]
    [InlineData("LS1")]
    [InlineData("12345")]
    [InlineData("LS1 4AB X")]
    [InlineData("LSS1 4AB")]
    [InlineData("L1 4A")]
    [InlineData("")]
    public void Malformed_postcodes_are_refused(string text) => Assert.False(Postcode.TryParse(text, out _, out _));
}
