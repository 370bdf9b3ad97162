using System.Text.RegularExpressions;

namespace Ses.Domain.Referrals;

/// <summary>The claimant part of a referral (13.61-13.66). MAPPA referrals arrive without address, postcode and phone (13.58).</summary>
internal static partial class ParticipantValidator
{
    public static Participant? Validate(ParticipantInput? input, bool mappa, Errors errors)
    {
        if (input is null) { errors.Add("participant", "participant is required."); return null; }
        var title = errors.Text("participant.title", input.Title, ReferralLimits.MaxLength["participant.title"], required: false);
        var forename = errors.Text("participant.forename", input.Forename, ReferralLimits.MaxLength["participant.forename"], required: true);
        var surname = errors.Text("participant.surname", input.Surname, ReferralLimits.MaxLength["participant.surname"], required: true);
        Nino? nino = null;
        if (Nino.TryParse(input.Nino, out var parsed, out var ninoError)) nino = parsed;
        else errors.Add("participant.nino", ninoError!);
        var clientNumber = errors.Text("participant.clientNumber", input.ClientNumber, ReferralLimits.MaxLength["participant.clientNumber"], required: false);
        var childcare = errors.Text("participant.childcareNeeds", input.ChildcareNeeds, ReferralLimits.MaxLength["participant.childcareNeeds"], required: false);
        var (phone, alternative, address, postcode) = Contactable(input, mappa, errors);
        if (input.Disability is null) errors.Add("participant.disability", "disability (true or false) is required.");
        var benefit = Benefit.None;
        if (!VocabularyNames.TryParseBenefit(input.Benefit, out benefit)) errors.Add("participant.benefit", "benefit is JSA, ESA, UC, IS, IB, other or none.");
        if (input.MonthsEmployedInPrior24 is not (>= 0 and <= 24)) errors.Add("participant.monthsEmployedInPrior24", "monthsEmployedInPrior24 is a whole number from 0 to 24.");
        if (errors.Any) return null;
        return new Participant(title, forename!, surname!, nino!.Value, clientNumber, phone, alternative, address, postcode,
            input.Disability!.Value, benefit, input.MonthsEmployedInPrior24!.Value, childcare, input.DrivingLicence);
    }

    private static (string?, string?, string?, Postcode?) Contactable(ParticipantInput input, bool mappa, Errors errors)
    {
        if (mappa)
        {
            foreach (var (field, value) in new[] { ("phone", input.Phone), ("alternativePhone", input.AlternativePhone), ("address", input.Address), ("postcode", input.Postcode) })
            {
                if (value is not null) errors.Add($"participant.{field}", $"MAPPA referrals arrive without {field}; it must not be sent (13.58).");
            }
            return (null, null, null, null);
        }
        var phone = Phone("participant.phone", input.Phone, errors);
        var alternative = Phone("participant.alternativePhone", input.AlternativePhone, errors);
        var address = errors.Text("participant.address", input.Address, ReferralLimits.MaxLength["participant.address"], required: false);
        Postcode? postcode = null;
        if (input.Postcode is not null)
        {
            if (Postcode.TryParse(input.Postcode, out var parsed, out var error)) postcode = parsed;
            else errors.Add("participant.postcode", error!);
        }
        return (phone, alternative, address, postcode);
    }

    private static string? Phone(string field, string? value, Errors errors)
    {
        if (value is null) return null;
        if (!PhoneShape().IsMatch(value)) { errors.Add(field, "A phone number is up to 30 digits, spaces, +, ( ) or -."); return null; }
        return value.Trim();
    }

    [GeneratedRegex(@"^\+?[0-9 ()-]{6,30}$")]
    private static partial Regex PhoneShape();
}
