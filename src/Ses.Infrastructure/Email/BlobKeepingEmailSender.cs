using System.Text;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Email;

/// <summary>Without a SendGrid API key, emails are kept as .eml files in the outbox container and marked not-sent (SPEC 8).</summary>
public sealed class BlobKeepingEmailSender(StorageClients storage, SendGridOptions options) : IEmailSender
{
    public async Task<SendOutcome> SendAsync(Notification notification, CancellationToken ct)
    {
        var eml = new StringBuilder()
            .Append("From: ").Append(options.From).Append("\r\n")
            .Append("To: ").Append(string.Join(", ", notification.To)).Append("\r\n")
            .Append("Subject: ").Append(notification.Subject).Append("\r\n")
            .Append("X-Idempotency-Key: ").Append(notification.NotificationId).Append("\r\n")
            .Append("Date: ").Append(notification.CreatedAt.ToString("r")).Append("\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n\r\n")
            .Append(notification.Body).Append("\r\n")
            .ToString();
        var blob = storage.OutboxBlobs.GetBlobClient($"{notification.JourneyId}/{notification.NotificationId}.eml");
        await blob.UploadAsync(BinaryData.FromString(eml), overwrite: true, ct);
        return new SendOutcome(SendResult.Kept);
    }
}
