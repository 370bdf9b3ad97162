using Azure.Data.Tables;

namespace Ses.Infrastructure.Outbox;

/// <summary>SPEC 5.1 notification: an email in the journey's outbox, with its delivery status.</summary>
public sealed record Notification(
    string NotificationId, string JourneyId, string Template, IReadOnlyList<string> To, string Subject, string Body,
    string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, string? LastError)
{
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string NotSent = "not-sent";

    /// <summary>The notification ID doubles as the idempotency key sent with the email.</summary>
    public static string IdFor(string journeyId, string rowKey) => $"{journeyId}.{rowKey}";

    public static (string JourneyId, string RowKey) Split(string notificationId)
    {
        var dot = notificationId.LastIndexOf('.');
        return (notificationId[..dot], notificationId[(dot + 1)..]);
    }

    public TableEntity ToEntity()
    {
        var (journeyId, rowKey) = Split(NotificationId);
        return new TableEntity(journeyId, rowKey)
        {
            ["NotificationId"] = NotificationId,
            ["Template"] = Template,
            ["To"] = string.Join(';', To),
            ["Subject"] = Subject,
            ["Body"] = Body,
            ["Status"] = Status,
            ["Attempts"] = Attempts,
            ["CreatedAt"] = CreatedAt,
            ["SentAt"] = SentAt,
            ["LastError"] = LastError,
        };
    }

    public static Notification FromEntity(TableEntity e) => new(
        e.GetString("NotificationId"), e.PartitionKey, e.GetString("Template"),
        e.GetString("To").Split(';', StringSplitOptions.RemoveEmptyEntries), e.GetString("Subject"), e.GetString("Body"),
        e.GetString("Status"), e.GetInt32("Attempts") ?? 0, e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("SentAt"), e.GetString("LastError"));
}
