using Ses.Domain.Referrals;

namespace Ses.Domain.Journeys;

/// <summary>What can be asked of a journey. Every command carries <c>Now</c>: the domain never reads a clock.</summary>
public abstract record JourneyCommand(DateTimeOffset Now)
{
    /// <summary>Who asked: the API key's name and role, or <see cref="Actor.System"/> for timers. Stamped on every event it causes.</summary>
    public Actor By { get; init; } = Actor.System;
}

public sealed record ReceiveReferral(string JourneyId, Referral Referral, DateTimeOffset Now) : JourneyCommand(Now);
/// <summary>
/// A reported event. <see cref="PreviousUse"/> is the fingerprint of the event already recorded under the same
/// <c>eventId</c>, when the shell found one: idempotency is judged before any phase rule (a retry is never a 409).
/// </summary>
public sealed record RecordEvent(ReportedEvent Event, string? EventId, DateTimeOffset Now, string? PreviousUse = null) : JourneyCommand(Now);
/// <summary>A durable timer firing (SPEC 4.4): an ordinary command carrying the time it fired.</summary>
public sealed record FireTimer(DeadlineKind Kind, DateOnly Due, TimerStep Step, DateTimeOffset Now) : JourneyCommand(Now);
public sealed record Terminate(string Reason, DateTimeOffset Now) : JourneyCommand(Now);
/// <summary>A person did the work of a task the journey created (SPEC 5: tasks/{taskId}/complete); the note logs how (13.48).</summary>
public sealed record CompleteTask(string TaskId, string? Note, DateTimeOffset Now) : JourneyCommand(Now);

public enum RejectionKind
{
    /// <summary>The phase does not allow the event: 409 listing the allowed events.</summary>
    NotAllowed,
    /// <summary>A business rule refuses it (a job start outside the tracking window): 422.</summary>
    BusinessRule,
    /// <summary>The journey does not exist, or already exists.</summary>
    Conflict,
    /// <summary>The command names something the journey does not have (a task ID): 404.</summary>
    NotFound,
    /// <summary>The actor's role may not do this (a nominated officer's task or event): 403.</summary>
    Forbidden,
}

public sealed record Rejection(RejectionKind Kind, string Message, IReadOnlyList<string> AllowedEvents);

/// <summary>The result of deciding: events to append (none when the command is already satisfied), or a rejection.</summary>
public sealed record Decision(IReadOnlyList<JourneyEvent> Events, Rejection? Rejection)
{
    public static Decision Accept(IReadOnlyList<JourneyEvent> events) => new(events, null);
    public static Decision Nothing { get; } = new([], null);
    public static Decision Reject(RejectionKind kind, string message, IReadOnlyList<string>? allowed = null) =>
        new([], new Rejection(kind, message, allowed ?? []));
    public bool IsRejected => Rejection is not null;
}
