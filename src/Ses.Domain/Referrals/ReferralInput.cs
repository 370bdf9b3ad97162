namespace Ses.Domain.Referrals;

/// <summary>The raw body of POST /api/referrals (SPEC 5.1): everything optional here, so validation can name what is missing.</summary>
public sealed record ReferralInput(
    string? ReferralId = null, string? ProvisionId = null, string? ReferralDate = null, string? Provider = null,
    string? Region = null, string? Channel = null, bool? Mappa = null, ParticipantInput? Participant = null,
    ContactInput? Spoc = null, ContactInput? WorkCoach = null);

public sealed record ParticipantInput(
    string? Title = null, string? Forename = null, string? Surname = null, string? Nino = null, string? ClientNumber = null,
    string? Phone = null, string? AlternativePhone = null, string? Address = null, string? Postcode = null,
    bool? Disability = null, string? Benefit = null, int? MonthsEmployedInPrior24 = null, string? ChildcareNeeds = null,
    bool? DrivingLicence = null);

public sealed record ContactInput(string? Name = null, string? Email = null);

public sealed record ReferralValidation(Referral? Referral, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Referral is not null;
}
