using Ses.Domain.Outcomes;

namespace Ses.Domain.Journeys;

public static partial class JourneyDecider
{
    /// <summary>6.02, 6.04: a job may start from the provision end date to 42 days after it; anything else is refused.</summary>
    private static Decision StartJob(Journey state, JobStarted e)
    {
        var left = state.ProvisionEndedOn!.Value;
        var last = left.AddDays(JourneyRules.TrackingWindowDays);
        if (e.StartOn < left || e.StartOn > last)
        {
            return Decision.Reject(RejectionKind.BusinessRule,
                $"A job start on {e.StartOn:yyyy-MM-dd} is outside the tracking window {left:yyyy-MM-dd} to {last:yyyy-MM-dd} (6.02, 6.04).");
        }
        if (e.HoursPerWeek is <= 0 or > 168)
        {
            return Decision.Reject(RejectionKind.BusinessRule, "hoursPerWeek must be more than 0 and at most 168.");
        }
        return Accept([
            .. Settle(state, DeadlineKind.TrackingWindow, DeadlineState.Met, e.StartOn),
            new PhaseChanged(Phase.InWork),
            new DeadlineScheduled(DeadlineKind.ShortOutcome, OutcomeRules.ShortCheckpoint(e.StartOn)),
            new DeadlineScheduled(DeadlineKind.SustainedOutcome, OutcomeRules.SustainedEarliest(e.StartOn)),
        ]);
    }

    /// <summary>
    /// A fact about the job. Breaks and a job ending defer the sustained checkpoint (6.03). Once the short outcome is
    /// achieved, a fact that makes the sustained outcome impossible decides it at once: "not achieved when that cannot
    /// happen any more" (SPEC 4.6).
    /// </summary>
    private static IEnumerable<JourneyEvent> EmploymentFact(Journey state, ReportedEvent reported, DateOnly today)
    {
        var after = JourneyEvolver.Evolve(state, new EventReported(reported, null, default));
        var facts = after.Employment!;
        if (after.ShortOutcome.State == OutcomeState.Achieved && after.SustainedOutcome.State == OutcomeState.Pending
            && OutcomeRules.DecideSustained(facts, after.ShortOutcome, today) is { State: OutcomeState.NotAchieved } lost)
        {
            return [new OutcomeDecided(Outcome.Sustained, lost), .. Close(after with { SustainedOutcome = lost }, Closure.OutcomeComplete, null, today)];
        }
        return Rescheduled(state, facts);
    }

    /// <summary>The sustained checkpoint moves when the facts move it (a break, a job ending or a new job, 6.03).</summary>
    private static IEnumerable<JourneyEvent> Rescheduled(Journey state, EmploymentFacts facts)
    {
        var next = OutcomeRules.NextSustainedCheck(facts);
        return state.Pending(DeadlineKind.SustainedOutcome) is { } pending && pending.Due != next
            ? [new DeadlineScheduled(DeadlineKind.SustainedOutcome, next)]
            : [];
    }

    /// <summary>
    /// 6.03, SPEC 4.6: after <c>job-ended</c>, a new job that starts within the remaining break allowance (breaks in total at
    /// most 28 days within the 30 weeks) continues the same outcome tracking; a later one decides the outcomes not achieved.
    /// </summary>
    private static Decision ResumeJob(Journey state, JobStarted e, DateOnly today)
    {
        var facts = state.Employment!;
        var ended = facts.JobEndedOn!.Value;
        if (e.StartOn <= ended)
        {
            return Decision.Reject(RejectionKind.BusinessRule, $"startOn {e.StartOn:yyyy-MM-dd} must be after the job ended on {ended:yyyy-MM-dd}.");
        }
        if (e.HoursPerWeek is <= 0 or > 168)
        {
            return Decision.Reject(RejectionKind.BusinessRule, "hoursPerWeek must be more than 0 and at most 168.");
        }
        var latest = OutcomeRules.LatestRestart(facts, ended);
        if (e.StartOn > latest)
        {
            var why = $"The job ended on {ended:yyyy-MM-dd} and the next started on {e.StartOn:yyyy-MM-dd}, after {latest:yyyy-MM-dd}, "
                + $"the last start within the {OutcomeRules.MaximumBreakDays}-day break allowance (6.03).";
            var decided = new List<JourneyEvent>();
            var current = state;
            foreach (var outcome in new[] { Outcome.Short, Outcome.Sustained })
            {
                if ((outcome == Outcome.Short ? current.ShortOutcome : current.SustainedOutcome).State != OutcomeState.Pending) continue;
                var lost = new OutcomeDecided(outcome, OutcomeDecision.NotAchieved(why));
                decided.Add(lost);
                current = JourneyEvolver.Evolve(current, lost);
            }
            return Accept([.. decided, .. Close(current, Closure.OutcomeComplete, null, today)]);
        }
        return Accept(EmploymentFact(state, e, today));
    }

    /// <summary>The outcome checkpoints (6.02, 6.03): decisions are recorded with their reason and never change.</summary>
    private static IEnumerable<JourneyEvent> Checkpoint(Journey state, Deadline deadline, TimerFired fired, DateOnly today)
    {
        if (deadline.Kind == DeadlineKind.ShortOutcome) return [fired, .. ShortCheckpoint(state, deadline, today)];
        // The short outcome is always decided first (6.03). When both checkpoints are overdue at once (a host was down,
        // or the job start was recorded late) the sustained timer may come first: decide the short outcome here too.
        var first = state.Pending(DeadlineKind.ShortOutcome) is { } shortDeadline ? ShortCheckpoint(state, shortDeadline, today).ToArray() : [];
        var current = JourneyEvolver.Fold(first, state)!;
        if (current.Phase == Phase.Closed) return [fired, .. first];
        var facts = current.Employment!;
        var sustained = OutcomeRules.DecideSustained(facts, current.ShortOutcome, deadline.Due);
        if (sustained.State == OutcomeState.Pending)
        {
            var next = OutcomeRules.NextSustainedCheck(facts);
            return next > deadline.Due ? [fired, .. first, new DeadlineScheduled(deadline.Kind, next)] : [fired, .. first];
        }
        return [
            fired,
            .. first,
            new DeadlineSettled(deadline.Kind, deadline.Due, DeadlineState.Met, today),
            new OutcomeDecided(Outcome.Sustained, sustained),
            .. sustained.State == OutcomeState.Achieved ? [Notify(current, "outcome-decided", Audience.ProviderClaims, deadline)] : Array.Empty<JourneyEvent>(),
            .. CancelRest(current, deadline, today),
            new PhaseChanged(Phase.Closed, Closure.OutcomeComplete),
        ];
    }

    /// <summary>6.02: the short outcome at job start + 13 weeks; not achieved means no sustained outcome either (6.03).</summary>
    private static IEnumerable<JourneyEvent> ShortCheckpoint(Journey state, Deadline deadline, DateOnly today)
    {
        var decision = OutcomeRules.DecideShort(state.Employment!, deadline.Due);
        if (decision.State == OutcomeState.Pending) return [];
        var effects = new List<JourneyEvent> { new DeadlineSettled(deadline.Kind, deadline.Due, DeadlineState.Met, today), new OutcomeDecided(Outcome.Short, decision) };
        if (decision.State == OutcomeState.Achieved) return [.. effects, Notify(state, "outcome-decided", Audience.ProviderClaims, deadline)];
        effects.Add(new OutcomeDecided(Outcome.Sustained, OutcomeDecision.NotAchieved("The short job outcome was not achieved (6.03).")));
        return [.. effects, .. CancelRest(state, deadline, today), new PhaseChanged(Phase.Closed, Closure.OutcomeComplete)];
    }

    private static IEnumerable<JourneyEvent> CancelRest(Journey state, Deadline settled, DateOnly today) =>
        state.Deadlines
            .Where(d => d.State == DeadlineState.Pending && d != settled)
            .Select(d => new DeadlineSettled(d.Kind, d.Due, DeadlineState.Cancelled, today));
}
