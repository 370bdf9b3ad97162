using Ses.Infrastructure.Outbox;

namespace Ses.Infrastructure.Email;

public enum SendResult { Sent, Kept, Failed }

/// <summary>Sends one email of the outbox. Implementations retry transient failures themselves and report attempts.</summary>
public interface IEmailSender
{
    Task<(SendResult Result, int Attempts, string? Error)> SendAsync(Notification notification, CancellationToken ct);
}
