using Azure.Storage.Blobs.Models;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Email;

/// <summary>Without a SendGrid API key, emails are kept as .eml files (message/rfc822) in the outbox container and marked not-sent (SPEC 8).</summary>
public sealed class BlobKeepingEmailSender(StorageClients storage, SendGridOptions options) : IEmailSender
{
    public async Task<SendOutcome> SendAsync(Notification notification, CancellationToken ct)
    {
        var blob = storage.OutboxBlobs.GetBlobClient($"{notification.JourneyId}/{notification.NotificationId}.eml");
        await blob.UploadAsync(BinaryData.FromString(MimeMessage.Write(notification, options.From)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = MimeMessage.ContentType } }, ct);
        return new SendOutcome(SendResult.Kept);
    }
}
