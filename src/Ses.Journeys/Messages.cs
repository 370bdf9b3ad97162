using System.Text.Json.Serialization;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;

namespace Ses.Journeys;

/// <summary>
/// A payload of the task hub that carries a journey's personal data: <see cref="SealingDataConverter"/> seals it whole with
/// that journey's data key before it reaches the History and Instances tables, queues or large-message blobs (ADR 009).
/// </summary>
public interface ISealedPayload
{
    string JourneyId { get; }
}

/// <summary>
/// What a journey keeps from its referral on, as data (orchestration code never reads configuration): the ISP policy,
/// the reminder time and whether business time is the virtual clock's.
/// </summary>
public sealed record JourneyPolicy(int IspAgreedWorkingDays, TimeOnly ReminderTime, bool VirtualClock)
{
    [JsonIgnore]
    public JourneyRules Rules => new(WorkingDayCalendar.Official, IspAgreedWorkingDays);
}

/// <summary>
/// The orchestration's input, carried from step to step through <c>ContinueAsNew</c>: the journey (the decider's state),
/// the emails still to deliver, the virtual clock's wake-up row last registered, and messages to handle before waiting
/// (the referral that starts it, or one that arrived while the previous step was running).
/// </summary>
public sealed record JourneyRun(string JourneyId, JourneyPolicy Policy) : ISealedPayload
{
    public Journey? State { get; init; }
    public IReadOnlyList<JourneyMessage> Inbox { get; init; } = [];
    public IReadOnlyList<Delivery> Deliveries { get; init; } = [];
    public DateTimeOffset? WakeAt { get; init; }
    /// <summary>The hash of the referral body (a repeated referral with another body is a 409, SPEC 5).</summary>
    public string? RequestHash { get; init; }
    /// <summary>
    /// The request IDs of the last <see cref="HandledKept"/> messages handled: the task hub's queues deliver at least once
    /// (a message a host held when its partition moved comes again), and a message seen again is not a second step.
    /// </summary>
    public IReadOnlyList<string> Handled { get; init; } = [];

    public const int HandledKept = 16;
}

/// <summary>
/// An email the journey still has to deliver, and how delivery has gone so far. Times are real time, even with the
/// virtual clock: SendGrid's outages happen in real time.
/// </summary>
/// <param name="Unanswered">An attempt whose answer never came (SendGrid may have accepted it): at most one more follows.</param>
public sealed record Delivery(
    Ses.Infrastructure.Outbox.Notification Notification, string? ETag, DateTimeOffset NextAttemptAt, bool Unanswered = false, bool Resend = false);

/// <summary>
/// What the HTTP handlers (and the virtual clock) ask of a journey: the one external event the orchestration waits for.
/// <see cref="RequestId"/> names the answer the asker waits for (<see cref="StepReply"/>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ReferralMessage), "referral")]
[JsonDerivedType(typeof(EventMessage), "event")]
[JsonDerivedType(typeof(TerminateMessage), "terminate")]
[JsonDerivedType(typeof(CompleteTaskMessage), "complete-task")]
[JsonDerivedType(typeof(ResendMessage), "resend")]
[JsonDerivedType(typeof(PurgeMessage), "purge")]
[JsonDerivedType(typeof(WakeMessage), "wake")]
public abstract record JourneyMessage : ISealedPayload
{
    public required string JourneyId { get; init; }
    public required string RequestId { get; init; }
    /// <summary>Business time when it was asked (the virtual clock's in Virtual mode): the decider's <c>now</c>.</summary>
    public required DateTimeOffset Now { get; init; }
    public Actor By { get; init; } = Actor.System;
}

public sealed record ReferralMessage(Referral Referral, string RequestHash) : JourneyMessage;
public sealed record EventMessage(ReportedEvent Event, string? EventId) : JourneyMessage;
public sealed record TerminateMessage(string Reason) : JourneyMessage;
public sealed record CompleteTaskMessage(string TaskId, string? Note) : JourneyMessage;
public sealed record ResendMessage(string NotificationId) : JourneyMessage;
public sealed record PurgeMessage : JourneyMessage;
/// <summary>The virtual clock moved to <see cref="JourneyMessage.Now"/>: fire every step due by then, each at its own time.</summary>
public sealed record WakeMessage : JourneyMessage;

public enum ReplyOutcome
{
    /// <summary>The command changed the journey.</summary>
    Applied,
    /// <summary>Nothing to change: the eventId was used for the same event already, or the task is already complete.</summary>
    Unchanged,
    Rejected,
    /// <summary>A wake-up of the virtual clock: <see cref="StepReply.Fired"/> steps fired.</summary>
    Woken,
    /// <summary>A resend was taken on (the email goes out in the same step).</summary>
    Accepted,
    Purged,
}

/// <summary>
/// The orchestration's answer to one message, written with the step's commit (a reply row in the journey's partition) and
/// handed in memory to a waiting handler of the same process.
/// </summary>
public sealed record StepReply(string RequestId, ReplyOutcome Outcome)
{
    public int Version { get; init; }
    public Rejection? Rejection { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public int Fired { get; init; }
    /// <summary>The IDs of the emails the step created (the virtual clock waits for them).</summary>
    public IReadOnlyList<string> Notifications { get; init; } = [];
}

/// <summary>The Instances table's custom status: what operators read in Storage Explorer. Nothing personal.</summary>
public sealed record JourneyStatus(string Phase, string? Closure, string? NextDeadline, string? NextDue, int Version, int EmailsPending)
{
    public static JourneyStatus Of(JourneyRun run)
    {
        var j = run.State;
        var next = j?.NextDeadline;
        return new JourneyStatus(
            j is null ? "starting" : Ses.Domain.Kebab.Of(j.Phase), j?.Closure is { } c ? Ses.Domain.Kebab.Of(c) : null,
            next is null ? null : Ses.Domain.Kebab.Of(next.Kind), next?.Due.ToString("yyyy-MM-dd"), j?.Version ?? 0, run.Deliveries.Count);
    }
}
