using FsCheck.Xunit;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>Any sequence of commands either applies or is rejected leaving the state unchanged, and never throws.</summary>
public sealed class JourneyPropertyTests
{
    internal static readonly DateOnly Day0 = new(2026, 3, 2);

    internal static JourneyCommand Command(int pick, int offset)
    {
        var on = Day0.AddDays(offset);
        var at = Noon(on);
        ReportedEvent reported = (pick % 26) switch
        {
            0 => new PrapAcknowledged(on),
            1 => new Ucpr1Received(on),
            2 => new InitialAssessmentBooked(on, on.AddDays(5)),
            3 => new InitialAssessmentHeld(on, Recommendation.Main),
            4 => new InitialAssessmentHeld(on, Recommendation.NotSuitable),
            5 => new StrandReferralAccepted(on, "200999999"),
            6 => new Started(on),
            7 => new ReferralRejected(on),
            8 => new BackedOutNotified(at),
            9 => new ReferralCancelled(on),
            10 => new IspAgreed(on, pick % 7),
            11 => new IspReviewed(on),
            12 => new LeftEarly(on),
            13 => new Completed(on),
            14 => new JobStarted(on, pick % 40),
            15 => new HoursChanged(on, pick % 30),
            16 => new EmploymentBreak(on, on.AddDays(pick % 20 - 3)),
            17 => new BenefitClaim(on, pick % 2 == 0 ? null : on.AddDays(3)),
            18 => new WageIncentivePaid(on),
            19 => new JobEnded(on),
            20 => new MovedToOtherProvision(on),
            21 => new Withdrawn(on),
            22 => new SroEligibilityConfirmed(on, pick % 3 == 0 ? "bad" : "200555555"),
            23 => new SroNotEligible(on, "no"),
            _ => new PrapAcknowledged(on.AddDays(500)),
        };
        return (pick % 29) switch
        {
            26 => new Terminate("operator", at),
            27 or 28 => new FireTimer((DeadlineKind)(pick % 10), on, (TimerStep)(pick % 3), at),
            _ => new RecordEvent(reported, pick % 5 == 0 ? $"e{pick % 4}" : null, at),
        };
    }

    internal static DateTimeOffset Noon(DateOnly on) => Ses.Domain.Calendar.LondonTime.At(on, new TimeOnly(12, 0));

    [Property(MaxTest = 300)]
    public bool Any_command_sequence_applies_or_is_rejected_without_change_and_never_throws(int[] picks, bool sro, bool scr)
    {
        var channel = sro ? Channel.Sro : scr ? Channel.Scr : Channel.Prap;
        var referralId = sro ? "INTRO-1" : "200123456";
        var state = JourneyEvolver.Evolve(null, new ReferralReceived("j", Referral(referralId, Day0, channel), Noon(Day0)));
        var offset = 0;
        foreach (var pick in picks.Take(40))
        {
            offset += Math.Abs(pick % 30);
            var decision = JourneyDecider.Decide(state, Command(Math.Abs(pick), offset), Rules);
            if (decision.IsRejected)
            {
                if (decision.Events.Count != 0) return false;
                continue;
            }
            var settled = decision.Events.OfType<DeadlineSettled>().Select(d => (d.Kind, d.Due)).ToArray();
            if (settled.Length != settled.Distinct().Count()) return false; // a deadline is settled once per decision
            var next = JourneyEvolver.Fold(decision.Events, state)!;
            if (state.Phase == Phase.Closed && decision.Events.Any(e => e is PhaseChanged)) return false; // closed stays closed
            state = next;
        }
        return true;
    }

    [Property(MaxTest = 200)]
    public bool A_closed_journey_has_no_pending_deadline(int[] picks)
    {
        var state = JourneyEvolver.Evolve(null, new ReferralReceived("j", Referral(), Noon(Day0)));
        var offset = 0;
        foreach (var pick in picks.Take(40))
        {
            offset += Math.Abs(pick % 30);
            var decision = JourneyDecider.Decide(state, Command(Math.Abs(pick), offset), Rules);
            if (!decision.IsRejected) state = JourneyEvolver.Fold(decision.Events, state)!;
            if (state.Phase == Phase.Closed && state.Deadlines.Any(d => d.State == DeadlineState.Pending)) return false;
        }
        return true;
    }

    [Property(MaxTest = 300)] // SPEC 4.6: a closed journey never keeps an outcome pending, and every decision has its reason
    public bool A_closed_journey_has_both_outcomes_decided_each_with_a_reason(int[] picks)
    {
        var state = JourneyEvolver.Evolve(null, new ReferralReceived("j", Referral(), Noon(Day0)));
        var offset = 0;
        foreach (var pick in picks.Take(60))
        {
            offset += Math.Abs(pick % 30);
            var decision = JourneyDecider.Decide(state, Command(Math.Abs(pick), offset), Rules);
            if (!decision.IsRejected) state = JourneyEvolver.Fold(decision.Events, state)!;
            if (decision.Events.OfType<Ses.Domain.Journeys.OutcomeDecided>().Any(o => string.IsNullOrWhiteSpace(o.Decision.Reason))) return false;
            if (state.Phase == Phase.Closed
                && (state.ShortOutcome.State == Ses.Domain.Outcomes.OutcomeState.Pending || state.SustainedOutcome.State == Ses.Domain.Outcomes.OutcomeState.Pending))
            {
                return false;
            }
        }
        return true;
    }

    [Property(MaxTest = 300)] // SPEC 4.4: a closed journey is never overdue
    public bool A_closed_journey_is_never_overdue(int[] picks)
    {
        var state = JourneyEvolver.Evolve(null, new ReferralReceived("j", Referral(), Noon(Day0)));
        var offset = 0;
        foreach (var pick in picks.Take(60))
        {
            offset += Math.Abs(pick % 30);
            var decision = JourneyDecider.Decide(state, Command(Math.Abs(pick), offset), Rules);
            if (!decision.IsRejected) state = JourneyEvolver.Fold(decision.Events, state)!;
            if (state.Phase == Phase.Closed && state.IsOverdue(Noon(Day0.AddDays(offset + 400)))) return false;
        }
        return true;
    }

    [Property(MaxTest = 200)]
    public bool A_rejected_event_lists_only_events_the_phase_allows(int pick, int offset)
    {
        var state = JourneyEvolver.Evolve(null, new ReferralReceived("j", Referral(), Noon(Day0)));
        var decision = JourneyDecider.Decide(state, Command(Math.Abs(pick), Math.Abs(offset % 20)), Rules);
        return decision.Rejection is not { Kind: RejectionKind.NotAllowed } r
            || r.AllowedEvents.SequenceEqual(AllowedEvents.For(state));
    }
}
