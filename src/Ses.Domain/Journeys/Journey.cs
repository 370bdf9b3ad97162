using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;

namespace Ses.Domain.Journeys;

/// <summary>A deadline of SPEC 4.4. <see cref="DueAt"/> is set only for the timestamp-based PRaP cancel deadline (13.35).</summary>
public sealed record Deadline(DeadlineKind Kind, DateOnly Due, DeadlineState State, DateTimeOffset? DueAt = null)
{
    /// <summary>The timer steps already fired for this deadline, so a repeated firing does nothing.</summary>
    public IReadOnlyList<TimerStep> Fired { get; init; } = [];

    /// <summary>Reminder steps already past when the deadline was scheduled: they never fire (<see cref="TimerPlan.Pending"/>).</summary>
    public IReadOnlyList<TimerStep> Skipped { get; init; } = [];

    /// <summary>The date the deadline was met, missed or cancelled.</summary>
    public DateOnly? SettledOn { get; init; }

    /// <summary>For a missed deadline: the date its work was done late or stopped mattering (<see cref="MissedWorkDone"/>).</summary>
    public DateOnly? WorkDoneOn { get; init; }

    /// <summary>When the deadline is past: the end of the due date (00:00 London next day), or the PRaP cancel timestamp (SPEC 4.4).</summary>
    public DateTimeOffset DueTime => DueAt ?? Calendar.LondonTime.StartOfNextDay(Due);
}

/// <summary>A task the journey created, and whether (and by whom) it was completed.</summary>
public sealed record JourneyTask(string TaskId, string Task, string Detail, TaskAssignee Assignee)
{
    public DateTimeOffset? CompletedAt { get; init; }
    public Actor? CompletedBy { get; init; }
    public string? Note { get; init; }
    public bool Done => CompletedAt is not null;
}

/// <summary>The current state of one participant's journey: the fold of its history.</summary>
public sealed record Journey
{
    public required string JourneyId { get; init; }
    public required Referral Referral { get; init; }
    /// <summary>The current referral ID: the SRO introduction reference until eligibility is confirmed, then the PRaP one.</summary>
    public required string ReferralId { get; init; }
    public required DateOnly ReferralDate { get; init; }
    public bool UniversalCredit { get; init; }
    public Phase Phase { get; init; }
    public Closure? Closure { get; init; }
    public string? ClosureReason { get; init; }
    public IReadOnlyList<Deadline> Deadlines { get; init; } = [];
    public OutcomeDecision ShortOutcome { get; init; } = OutcomeDecision.Pending;
    public OutcomeDecision SustainedOutcome { get; init; } = OutcomeDecision.Pending;
    public DateOnly? StartOn { get; init; }
    /// <summary>The date provision ended (left early or completed): the start of the 6-week tracking window (6.04).</summary>
    public DateOnly? ProvisionEndedOn { get; init; }
    public bool StrandAccepted { get; init; }
    public bool BackedOut { get; init; }
    public int? IspReviewIntervalWeeks { get; init; }
    public EmploymentFacts? Employment { get; init; }
    /// <summary>Work for people that the journey created: SPoC calls (13.31), Leaver Reports (13.01), SCR forms (13.76).</summary>
    public IReadOnlyList<JourneyTask> Tasks { get; init; } = [];
    /// <summary>Bumped once per committed decision; the storage layer uses it for ordering and ETag retries.</summary>
    public int Version { get; init; }

    public bool Restricted => Referral.Restricted;

    public Deadline? Pending(DeadlineKind kind) =>
        Deadlines.LastOrDefault(d => d.Kind == kind && d.State == DeadlineState.Pending);

    public Deadline? Latest(DeadlineKind kind) => Deadlines.LastOrDefault(d => d.Kind == kind);

    /// <summary>
    /// SPEC 4.4, the one definition of "overdue": while the journey is open, a pending deadline is past its due time, or a
    /// deadline was missed and its work is still not done. It clears when the work is done late (<see cref="MissedWorkDone"/>)
    /// or the journey closes. Needs <paramref name="now"/> because a pending deadline becomes overdue by time alone.
    /// </summary>
    public bool IsOverdue(DateTimeOffset now) =>
        Phase != Phase.Closed && Deadlines.Any(d =>
            (d.State == DeadlineState.Pending && d.DueTime <= now) || (d.State == DeadlineState.Missed && d.WorkDoneOn is null));

    /// <summary>The earliest pending deadline: what operators see as "next" in lists and tables.</summary>
    public Deadline? NextDeadline =>
        Deadlines.Where(d => d.State == DeadlineState.Pending).OrderBy(d => d.Due).FirstOrDefault();
}
