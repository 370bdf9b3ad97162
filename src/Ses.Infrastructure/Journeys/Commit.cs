using Ses.Domain.Journeys;
using Ses.Infrastructure.Outbox;

namespace Ses.Infrastructure.Journeys;

/// <summary>
/// What one decision writes in the journey's partition. <see cref="CommitId"/> lets a writer recognise its own commit
/// after a timeout it could not tell from a failure (the storage may have applied the request it gave up on).
/// </summary>
public sealed record Commit(
    IReadOnlyList<JourneyEvent> Events, IReadOnlyList<Notification> Notifications, string? RequestHash, DateTimeOffset At,
    string? EventId = null, string? Fingerprint = null, DateTimeOffset? WakeAt = null)
{
    public string CommitId { get; } = Guid.NewGuid().ToString("N");
}
