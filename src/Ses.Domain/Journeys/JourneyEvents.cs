using System.Text.Json.Serialization;
using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;

namespace Ses.Domain.Journeys;

/// <summary>What the journey records in its append-only history. Side effects (emails, tasks, timers) are events too.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ReferralReceived), "referral-received")]
[JsonDerivedType(typeof(EventReported), "event-reported")]
[JsonDerivedType(typeof(ReferralIdAssigned), "referral-id-assigned")]
[JsonDerivedType(typeof(PhaseChanged), "phase-changed")]
[JsonDerivedType(typeof(DeadlineScheduled), "deadline-scheduled")]
[JsonDerivedType(typeof(DeadlineSettled), "deadline-settled")]
[JsonDerivedType(typeof(TimerFired), "timer-fired")]
[JsonDerivedType(typeof(OutcomeDecided), "outcome-decided")]
[JsonDerivedType(typeof(NotificationRequested), "notification-requested")]
[JsonDerivedType(typeof(TaskCreated), "task-created")]
[JsonDerivedType(typeof(WarningRaised), "warning-raised")]
[JsonDerivedType(typeof(TaskCompleted), "task-completed")]
[JsonDerivedType(typeof(MissedWorkDone), "missed-work-done")]
public abstract record JourneyEvent
{
    /// <summary>Who caused it (SPEC 5.1): the command's actor, stamped by <see cref="JourneyDecider.Decide"/> on every event.</summary>
    public Actor? By { get; init; }
}

public sealed record ReferralReceived(string JourneyId, Referral Referral, DateTimeOffset At) : JourneyEvent;
public sealed record EventReported(ReportedEvent Event, string? EventId, DateTimeOffset At) : JourneyEvent;
public sealed record ReferralIdAssigned(string ReferralId, bool UniversalCredit, DateOnly ReferralDate) : JourneyEvent;
public sealed record PhaseChanged(Phase Phase, Closure? Closure = null, string? Reason = null) : JourneyEvent;
public sealed record DeadlineScheduled(DeadlineKind Kind, DateOnly Due, DateTimeOffset? DueAt = null) : JourneyEvent;
/// <summary>A pending deadline becomes met, missed or cancelled; it never fires afterwards (SPEC 4.4).</summary>
public sealed record DeadlineSettled(DeadlineKind Kind, DateOnly Due, DeadlineState State, DateOnly On) : JourneyEvent;
public sealed record TimerFired(DeadlineKind Kind, DateOnly Due, TimerStep Step, DateTimeOffset At) : JourneyEvent;
public sealed record OutcomeDecided(Outcome Outcome, OutcomeDecision Decision) : JourneyEvent;
/// <summary>An email the journey must send; the storage layer writes it to the outbox in the same commit.</summary>
public sealed record NotificationRequested(string Template, Audience Audience, DeadlineKind? Deadline = null, DateOnly? Due = null) : JourneyEvent;
/// <summary>
/// Work for a person rather than an email: a phone call (13.31), a Leaver Report (13.01), an SCR form for the nominated
/// officer (13.76). <see cref="TaskId"/> is given by <see cref="JourneyDecider.Decide"/> (t1, t2, ... per journey).
/// </summary>
public sealed record TaskCreated(string Task, string Detail, TaskAssignee Assignee = TaskAssignee.Provider, string TaskId = "") : JourneyEvent;
/// <summary>A task's work was done; who did it is <see cref="JourneyEvent.By"/>, how (a Track and Trace number, 13.48) the note.</summary>
public sealed record TaskCompleted(string TaskId, string? Note, DateTimeOffset At) : JourneyEvent;
/// <summary>The work of a missed deadline was done late, or became irrelevant: the journey is no longer overdue for it (SPEC 4.4).</summary>
public sealed record MissedWorkDone(DeadlineKind Kind, DateOnly Due, DateOnly On) : JourneyEvent;
public sealed record WarningRaised(string Message) : JourneyEvent;
