namespace Ses.Domain.Journeys;

/// <summary>Which reported events each phase allows (SPEC 4.3, 4.5). Anything else is a 409 that lists these.</summary>
public static class AllowedEvents
{
    private static readonly string[] BeforeStart =
    [
        Name<PrapAcknowledged>(), Name<Ucpr1Received>(), Name<Withdrawn>(),
    ];

    private static readonly string[] PrapOnly =
    [
        Name<PrapAcknowledged>(), Name<StrandReferralAccepted>(), Name<ReferralRejected>(), Name<BackedOutNotified>(),
        Name<ReferralCancelled>(),
    ];

    public static IReadOnlyList<string> For(Journey journey)
    {
        IEnumerable<string> allowed = journey.Phase switch
        {
            Phase.Introduced => [Name<SroEligibilityConfirmed>(), Name<SroNotEligible>(), Name<Withdrawn>()],
            Phase.Referred =>
            [
                .. BeforeStart, Name<InitialAssessmentBooked>(), Name<InitialAssessmentHeld>(), Name<ReferralRejected>(),
            ],
            Phase.Assessed =>
            [
                .. BeforeStart, Name<StrandReferralAccepted>(), Name<Started>(),
                // 13.33: rejection only before the strand referral is accepted; 13.34: cancellation only after.
                journey.StrandAccepted ? Name<ReferralCancelled>() : Name<ReferralRejected>(),
            ],
            Phase.OnProvision => OnProvision(journey),
            Phase.Tracking => [Name<JobStarted>(), Name<MovedToOtherProvision>()],
            Phase.InWork =>
            [
                // 6.03: after job-ended, a new job within the break allowance continues the outcome tracking.
                .. journey.Employment?.JobEndedOn is not null ? [Name<JobStarted>()] : Array.Empty<string>(),
                Name<HoursChanged>(), Name<EmploymentBreak>(), Name<BenefitClaim>(), Name<WageIncentivePaid>(), Name<JobEnded>(),
            ],
            _ => [],
        };
        // 13.70: a MAPPA participant's contact details arrive later, from the JCP nominated officer.
        if (journey.Referral.Mappa && journey.Phase != Phase.Closed) allowed = allowed.Append(Name<ContactDetailsAdded>());
        // 13.53, 13.74: SCR referrals are clerical (SL2): nothing is acknowledged, accepted, rejected or backed out in PRaP.
        if (journey.Referral.Channel == Referrals.Channel.Scr) allowed = allowed.Except(PrapOnly);
        return allowed.Distinct().ToArray();
    }

    public static bool Allows(Journey journey, ReportedEvent reported) => For(journey).Contains(reported.Type);

    private static IEnumerable<string> OnProvision(Journey journey)
    {
        yield return Name<Ucpr1Received>();
        yield return Name<IspAgreed>();
        if (journey.IspReviewIntervalWeeks is not null) yield return Name<IspReviewed>();
        yield return Name<LeftEarly>();
        yield return Name<Completed>();
        yield return Name<Withdrawn>();
        // 13.35: after a start, the referral can only be cancelled once it has been backed out in PRaP.
        yield return journey.BackedOut ? Name<ReferralCancelled>() : Name<BackedOutNotified>();
    }

    private static string Name<T>() where T : ReportedEvent => ReportedEventTypes.NameOf<T>();
}
