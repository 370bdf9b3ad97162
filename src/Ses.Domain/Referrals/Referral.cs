using Ses.Domain.Calendar;

namespace Ses.Domain.Referrals;

public sealed record Contact(string Name, string Email);

/// <summary>The claimant's details of the referral (13.61-13.66). Personal data: never logged, restricted for MAPPA/SCR.</summary>
public sealed record Participant(
    string? Title, string Forename, string Surname, Nino Nino, string? ClientNumber, string? Phone, string? AlternativePhone,
    string? Address, Postcode? Postcode, bool Disability, Benefit Benefit, int MonthsEmployedInPrior24,
    string? ChildcareNeeds, bool? DrivingLicence);

/// <summary>A validated referral (SPEC 4.1, 4.2).</summary>
public sealed record Referral(
    string ReferralId, string ProvisionId, DateOnly ReferralDate, string Provider, Region Region, Channel Channel, bool Mappa,
    Participant Participant, Contact? Spoc, Contact? WorkCoach)
{
    /// <summary>13.06: a purchase order number starting 2 is a UC claimant; SRO and clerical referrals go by the benefit.</summary>
    public bool UniversalCredit => Channel == Channel.Prap
        ? ReferralId.StartsWith('2')
        : Participant.Benefit == Benefit.Uc || (ReferralId.Length == 9 && ReferralId.All(char.IsAsciiDigit) && ReferralId.StartsWith('2'));

    /// <summary>MAPPA (13.58-13.60) and SCR (13.52-13.57) records are restricted to nominated officers (SPEC 6).</summary>
    public bool Restricted => Mappa || Channel == Channel.Scr;
}
