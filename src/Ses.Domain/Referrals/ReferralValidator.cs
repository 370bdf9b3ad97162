using System.Text.RegularExpressions;
using Ses.Domain.Calendar;

namespace Ses.Domain.Referrals;

/// <summary>
/// Validates a referral body into a <see cref="Referral"/>, collecting every problem with the field it belongs to
/// (SPEC 4.1, 4.2; 13.06, 13.58, 13.61-13.66).
/// </summary>
public static partial class ReferralValidator
{
    public static readonly DateOnly EarliestReferralDate = new(2015, 1, 1);

    public static ReferralValidation Validate(ReferralInput? input, DateOnly today)
    {
        if (input is null) return new(null, [new FieldError("body", "A referral is required.")]);
        var errors = new Errors();
        var channel = Channel.Prap;
        if (input.Channel is not null && !VocabularyNames.TryParseChannel(input.Channel, out channel)) errors.Add("channel", "channel is prap, sro or scr.");
        var region = Region.EnglandAndWales;
        if (input.Region is not null && !RegionNames.TryParse(input.Region, out region)) errors.Add("region", "region is england-and-wales, scotland or northern-ireland.");
        var referralId = ReferralId(input.ReferralId, channel, errors);
        var date = ReferralDate(input.ReferralDate, today, errors);
        var provisionId = errors.Text("provisionId", input.ProvisionId, ReferralLimits.MaxLength["provisionId"], required: true);
        var provider = errors.Text("provider", input.Provider, ReferralLimits.MaxLength["provider"], required: true);
        var mappa = input.Mappa ?? false;
        if (mappa && channel != Channel.Prap) errors.Add("mappa", "Only PRaP referrals carry the MAPPA flag (13.58).");
        var participant = ParticipantValidator.Validate(input.Participant, mappa, errors);
        var spoc = ContactOf("spoc", input.Spoc, required: channel == Channel.Prap, errors);
        var workCoach = ContactOf("workCoach", input.WorkCoach, required: false, errors);
        if (errors.Any) return new(null, errors.List);
        return new(new Referral(referralId!, provisionId!, date!.Value, provider!, region, channel, mappa, participant!, spoc, workCoach), []);
    }

    private static string? ReferralId(string? value, Channel channel, Errors errors)
    {
        if (channel == Channel.Prap || (value is { Length: 9 } && value.All(char.IsAsciiDigit)))
        {
            if (PurchaseOrderNumber.TryParse(value, out var po, out var error)) return po.Value;
            errors.Add("referralId", error!);
            return null;
        }
        if (value is null || !Reference().IsMatch(value))
        {
            errors.Add("referralId", channel == Channel.Sro
                ? "An SRO introduction reference is 1 to 40 letters, digits or hyphens (13.40-13.44)."
                : "A clerical referral ID is a PRaP purchase order number or 1 to 40 letters, digits or hyphens (13.52).");
            return null;
        }
        return value;
    }

    private static DateOnly? ReferralDate(string? value, DateOnly today, Errors errors)
    {
        if (value is null) { errors.Add("referralDate", "referralDate is required (YYYY-MM-DD)."); return null; }
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", out var date)) { errors.Add("referralDate", "referralDate must be a date YYYY-MM-DD."); return null; }
        if (date > today) { errors.Add("referralDate", $"referralDate cannot be in the future (today is {today:yyyy-MM-dd})."); return null; }
        if (date < EarliestReferralDate) { errors.Add("referralDate", "referralDate is before SES referrals began."); return null; }
        return date;
    }

    private static Contact? ContactOf(string field, ContactInput? input, bool required, Errors errors)
    {
        if (input is null)
        {
            if (required) errors.Add(field, $"{field} (name and email) is required for PRaP referrals (13.61).");
            return null;
        }
        var name = errors.Text($"{field}.name", input.Name, ReferralLimits.MaxLength["contact.name"], required: true);
        var email = errors.Email($"{field}.email", input.Email);
        return name is null || email is null ? null : new Contact(name, email);
    }

    [GeneratedRegex("^[A-Za-z0-9-]{1,40}$")]
    private static partial Regex Reference();
}
