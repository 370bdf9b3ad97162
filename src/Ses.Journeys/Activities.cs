using Ses.Domain.Journeys;
using Ses.Infrastructure.Outbox;

namespace Ses.Journeys;

/// <summary>
/// What one step writes to the product's own rows (the read models): the journey after it, its decisions' history and
/// emails, the eventId it claims, the reply for the asker, the listing and (virtual clock) the wake-up row.
/// </summary>
public sealed record JourneyCommit(string JourneyId, Journey? Before, Journey? After, IReadOnlyList<Decided> Decisions, StepReply? Reply, DateTimeOffset At)
    : ISealedPayload
{
    public string? EventId { get; init; }
    public string? Fingerprint { get; init; }
    public string? RequestHash { get; init; }
    /// <summary>Virtual clock only: the wake-up row to move from <see cref="OldWakeAt"/> to <see cref="NewWakeAt"/>.</summary>
    public bool WakeIndex { get; init; }
    public DateTimeOffset? OldWakeAt { get; init; }
    public DateTimeOffset? NewWakeAt { get; init; }
    /// <summary>Make the first attempt at the step's new emails in the commit activity (and their alerts, if they fail for good).</summary>
    public bool SendEmails { get; init; }
}

/// <summary>The commit landed (or had landed: a re-run), or the eventId was used before with <see cref="UsedFingerprint"/>.</summary>
public sealed record CommitResult(string JourneyId, bool Committed, string? UsedFingerprint, IReadOnlyList<Delivery> Deliveries) : ISealedPayload;

/// <summary>One attempt at one email, with what the orchestration knows of the attempts before.</summary>
public sealed record SendEmailRequest(string JourneyId, string ReferralId, string Provider, Delivery Delivery) : ISealedPayload;

public enum DeliveryState { Done, Retry, Failed }

/// <summary>
/// How the attempt went: done (sent, kept as .eml, or nothing to do), to be retried at <see cref="Next"/>, or failed for
/// good, with the alert to the provider's staff that must now be delivered in its turn.
/// </summary>
public sealed record SendEmailResult(string JourneyId, DeliveryState State, Delivery? Next, Notification? Alert) : ISealedPayload;

/// <summary>Purge a closed journey; <see cref="RequestId"/> is the operator's request, answered when it is done.</summary>
public sealed record PurgeRequest(string JourneyId, string RequestId);
