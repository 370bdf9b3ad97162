using Azure.Data.Tables;
using Ses.Domain;

namespace Ses.Infrastructure.Outbox;

/// <summary>SPEC 5.1 notification statuses.</summary>
public enum NotificationStatus
{
    /// <summary>Committed with the journey's decision, not yet tried.</summary>
    Queued,
    /// <summary>Claimed by one host, which is sending it now (<see cref="Notification.Owner"/>, until <see cref="Notification.LeaseUntil"/>).</summary>
    Sending,
    /// <summary>The last attempt failed transiently; the next one is at <see cref="Notification.NextAttemptAt"/>.</summary>
    Retrying,
    Sent,
    /// <summary>No SendGrid key: kept as an .eml blob in the outbox container.</summary>
    NotSent,
    /// <summary>Gave up: the retry horizon passed, SendGrid refused it for good, or no address was configured. Operators can resend.</summary>
    Failed,
}

/// <summary>
/// SPEC 5.1 notification: an email in the journey's outbox, with its delivery status. Lives in the journey's partition,
/// so it is committed with the decision that asked for it. Times of delivery (<see cref="NextAttemptAt"/>,
/// <see cref="LeaseUntil"/>, <see cref="FirstAttemptAt"/>) are real time; <see cref="CreatedAt"/> and <see cref="SentAt"/>
/// are business time (the virtual clock in demos).
/// </summary>
public sealed record Notification(
    string NotificationId, string JourneyId, string Template, IReadOnlyList<string> To, string Subject, string Body,
    NotificationStatus Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? LastError)
{
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? FirstAttemptAt { get; init; }
    public string? Owner { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
    /// <summary>The provider's staff were alerted that this email failed (one alert per failure).</summary>
    public bool AlertRaised { get; init; }
    /// <summary>How many times an operator sent it again after it failed.</summary>
    public int Resends { get; init; }
    /// <summary>
    /// An attempt went unanswered (SendGrid may have accepted it) and the one retry that follows such an attempt was sent:
    /// the recipient may have it twice, with the same Message-ID. Shown to operators.
    /// </summary>
    public bool PossiblySentTwice { get; init; }
    /// <summary>When the attempt now in flight started (status <c>sending</c>); an attempt found still in flight was cut off.</summary>
    public DateTimeOffset? AttemptStartedAt { get; init; }
    /// <summary>The HTML part beside <see cref="Body"/> (plain text); null for emails without a template.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>
    /// The row key the notification was read from: its own key (<see cref="RowKeyFor"/>), or the legacy one for a row written
    /// before ADR 007. Null for a notification not stored yet. Updates write where the row lives.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? StoredRowKey { get; init; }

    public const string AlertTemplate = "delivery-failed";

    /// <summary>The notification ID doubles as the idempotency key sent with the email.</summary>
    public static string IdFor(string journeyId, string rowKey) => $"{journeyId}.{rowKey}";

    /// <summary>
    /// The journey ID and the key inside the ID (<c>n-{version}-{index}</c>, the legacy row key); the row's own key is
    /// <see cref="RowKeyFor"/>.
    /// </summary>
    public static (string JourneyId, string RowKey) Split(string notificationId)
    {
        var dot = notificationId.LastIndexOf('.');
        return dot <= 0 ? ("", "") : (notificationId[..dot], notificationId[(dot + 1)..]);
    }

    /// <summary>The row key a notification is stored under (ADR 007): the key inside its ID, then <c>~{journeyId}</c>.</summary>
    public static string RowKeyFor(string notificationId)
    {
        var (journeyId, key) = Split(notificationId);
        return Journeys.JourneyRows.Own(key, journeyId);
    }

    public TableEntity ToEntity()
    {
        var (journeyId, _) = Split(NotificationId);
        return new TableEntity(journeyId, StoredRowKey ?? RowKeyFor(NotificationId))
        {
            ["NotificationId"] = NotificationId,
            ["Template"] = Template,
            ["To"] = string.Join(';', To),
            ["Subject"] = Subject,
            ["Body"] = Body,
            ["Status"] = Kebab.Of(Status),
            ["Attempts"] = Attempts,
            ["CreatedAt"] = CreatedAt,
            ["SentAt"] = SentAt,
            ["LastError"] = LastError,
            ["NextAttemptAt"] = NextAttemptAt,
            ["FirstAttemptAt"] = FirstAttemptAt,
            ["Owner"] = Owner,
            ["LeaseUntil"] = LeaseUntil,
            ["AlertRaised"] = AlertRaised,
            ["Resends"] = Resends,
            ["Html"] = HtmlBody,
            ["PossiblySentTwice"] = PossiblySentTwice,
            ["AttemptStartedAt"] = AttemptStartedAt,
        };
    }

    public static Notification FromEntity(TableEntity e) => new(
        e.GetString("NotificationId"), e.PartitionKey, e.GetString("Template"),
        e.GetString("To").Split(';', StringSplitOptions.RemoveEmptyEntries), e.GetString("Subject"), e.GetString("Body"),
        Kebab.TryParse<NotificationStatus>(e.GetString("Status"), out var status) ? status : throw new FormatException($"Unknown notification status '{e.GetString("Status")}'."),
        e.GetInt32("Attempts") ?? 0, e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("SentAt"), e.GetString("LastError"))
    {
        NextAttemptAt = e.GetDateTimeOffset("NextAttemptAt"),
        FirstAttemptAt = e.GetDateTimeOffset("FirstAttemptAt"),
        Owner = e.GetString("Owner"),
        LeaseUntil = e.GetDateTimeOffset("LeaseUntil"),
        AlertRaised = e.GetBoolean("AlertRaised") ?? false,
        Resends = e.GetInt32("Resends") ?? 0,
        HtmlBody = e.GetString("Html"),
        PossiblySentTwice = e.GetBoolean("PossiblySentTwice") ?? false,
        AttemptStartedAt = e.GetDateTimeOffset("AttemptStartedAt"),
        StoredRowKey = e.RowKey,
    };
}

/// <summary>A notification that needs an operator: failed for good, or retrying (GET /api/notifications).</summary>
public sealed record AttentionItem(
    string NotificationId, string JourneyId, string Template, NotificationStatus Status, int Attempts, string? LastError,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? FailedAt);
