namespace Ses.Domain.Referrals;

/// <summary>
/// The longest value each text field of a referral takes (README, "Limits"): names and short identifiers have their own,
/// smaller limits; free text (the address) has the one free-text limit. Contacts (<c>spoc</c>, <c>workCoach</c>) share
/// <c>contact.name</c> and <c>contact.email</c>. Shaped values (referral ID, NINO, postcode, phone) are bounded by their shape.
/// </summary>
public static class ReferralLimits
{
    public static IReadOnlyDictionary<string, int> MaxLength { get; } = new Dictionary<string, int>
    {
        ["provisionId"] = 50,
        ["provider"] = 50,
        ["participant.title"] = 20,
        ["participant.forename"] = 100,
        ["participant.surname"] = 100,
        ["participant.clientNumber"] = 50,
        ["participant.childcareNeeds"] = 200,
        ["participant.address"] = InputLimits.FreeText,
        ["contact.name"] = 100,
        ["contact.email"] = 254,
    };
}
