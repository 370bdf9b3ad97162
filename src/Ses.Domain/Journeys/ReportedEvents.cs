using System.Text.Json.Serialization;

namespace Ses.Domain.Journeys;

/// <summary>
/// What provider staff or referral systems report about a journey (SPEC 4.5). The kebab-case
/// <c>type</c> is the wire name; each record carries exactly the fields of its SPEC row.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PrapAcknowledged), "prap-acknowledged")]
[JsonDerivedType(typeof(Ucpr1Received), "ucpr1-received")]
[JsonDerivedType(typeof(InitialAssessmentBooked), "initial-assessment-booked")]
[JsonDerivedType(typeof(InitialAssessmentHeld), "initial-assessment-held")]
[JsonDerivedType(typeof(StrandReferralAccepted), "strand-referral-accepted")]
[JsonDerivedType(typeof(Started), "started")]
[JsonDerivedType(typeof(ReferralRejected), "referral-rejected")]
[JsonDerivedType(typeof(BackedOutNotified), "backed-out-notified")]
[JsonDerivedType(typeof(ReferralCancelled), "referral-cancelled")]
[JsonDerivedType(typeof(IspAgreed), "isp-agreed")]
[JsonDerivedType(typeof(IspReviewed), "isp-reviewed")]
[JsonDerivedType(typeof(LeftEarly), "left-early")]
[JsonDerivedType(typeof(Completed), "completed")]
[JsonDerivedType(typeof(JobStarted), "job-started")]
[JsonDerivedType(typeof(HoursChanged), "hours-changed")]
[JsonDerivedType(typeof(EmploymentBreak), "employment-break")]
[JsonDerivedType(typeof(BenefitClaim), "benefit-claim")]
[JsonDerivedType(typeof(WageIncentivePaid), "wage-incentive-paid")]
[JsonDerivedType(typeof(JobEnded), "job-ended")]
[JsonDerivedType(typeof(MovedToOtherProvision), "moved-to-other-provision")]
[JsonDerivedType(typeof(Withdrawn), "withdrawn")]
[JsonDerivedType(typeof(SroEligibilityConfirmed), "sro-eligibility-confirmed")]
[JsonDerivedType(typeof(SroNotEligible), "sro-not-eligible")]
[JsonDerivedType(typeof(ContactDetailsAdded), "contact-details-added")]
public abstract record ReportedEvent
{
    /// <summary>The wire name of this event type, as in SPEC 4.5.</summary>
    [JsonIgnore]
    public string Type => ReportedEventTypes.NameOf(GetType());
}

public sealed record Ucpr1Content(
    string? JobAims, string? Preferences, string? PreferredHours,
    string? AvailabilityRestrictions, string? SpecialArrangements, string? ComplexNeeds);

public sealed record PrapAcknowledged(DateOnly OccurredOn) : ReportedEvent;
public sealed record Ucpr1Received(DateOnly OccurredOn, Ucpr1Content? Content = null) : ReportedEvent;
public sealed record InitialAssessmentBooked(DateOnly OccurredOn, DateOnly AppointmentOn) : ReportedEvent;
public sealed record InitialAssessmentHeld(
    DateOnly OccurredOn, Recommendation Recommendation,
    DateOnly? AnticipatedStartOn = null, DateOnly? AnticipatedEndOn = null, string? Reason = null) : ReportedEvent;
public sealed record StrandReferralAccepted(DateOnly OccurredOn, string StrandReferralId) : ReportedEvent;
public sealed record Started(DateOnly StartOn) : ReportedEvent;
public sealed record ReferralRejected(DateOnly OccurredOn) : ReportedEvent;
public sealed record BackedOutNotified(DateTimeOffset OccurredAt) : ReportedEvent;
public sealed record ReferralCancelled(DateOnly OccurredOn) : ReportedEvent;
public sealed record IspAgreed(DateOnly OccurredOn, int ReviewIntervalWeeks) : ReportedEvent;
public sealed record IspReviewed(DateOnly OccurredOn) : ReportedEvent;
public sealed record LeftEarly(DateOnly LeftOn, string? Reason = null) : ReportedEvent;
public sealed record Completed(DateOnly EndOn) : ReportedEvent;
public sealed record JobStarted(DateOnly StartOn, decimal HoursPerWeek, bool SelfEmployed = false, string? Employer = null) : ReportedEvent;
public sealed record HoursChanged(DateOnly FromOn, decimal HoursPerWeek) : ReportedEvent;
public sealed record EmploymentBreak(DateOnly FromOn, DateOnly ToOn) : ReportedEvent;
public sealed record BenefitClaim(DateOnly FromOn, DateOnly? ToOn = null) : ReportedEvent;
public sealed record WageIncentivePaid(DateOnly OccurredOn) : ReportedEvent;
public sealed record JobEnded(DateOnly EndedOn) : ReportedEvent;
public sealed record MovedToOtherProvision(DateOnly OccurredOn) : ReportedEvent;
public sealed record Withdrawn(DateOnly OccurredOn, string? Reason = null) : ReportedEvent;
public sealed record SroEligibilityConfirmed(DateOnly OccurredOn, string PrapReferralId) : ReportedEvent;
public sealed record SroNotEligible(DateOnly OccurredOn, string Reason) : ReportedEvent;
/// <summary>13.70: the JCP nominated officer gives a MAPPA participant's contact details; only a nominated officer records them.</summary>
public sealed record ContactDetailsAdded(
    DateOnly OccurredOn, string? Phone = null, string? AlternativePhone = null, string? Address = null, string? Postcode = null) : ReportedEvent;
