using Ses.Infrastructure.Outbox;

namespace Ses.Infrastructure.Email;

public enum SendResult
{
    Sent,
    /// <summary>No SendGrid key: kept as an .eml blob (SPEC 8).</summary>
    Kept,
    /// <summary>Worth trying again later: 429, 5xx, a network failure or the per-send timeout.</summary>
    Transient,
    /// <summary>Refused for good (4xx other than 429): retrying would not help.</summary>
    Permanent,
}

/// <summary>What one attempt came to; <see cref="RetryAfter"/> is SendGrid's own Retry-After, when it gave one.</summary>
/// <param name="Unanswered">
/// The request may have reached SendGrid but no answer came (a timeout, a connection dropped mid-request): SendGrid may
/// have accepted it. A connection that was never made is not unanswered.
/// </param>
public sealed record SendOutcome(SendResult Result, string? Error = null, TimeSpan? RetryAfter = null, bool Unanswered = false);

/// <summary>
/// Makes ONE attempt to send an email of the outbox, bounded by the per-send timeout. Retrying is the outbox's job: its
/// schedule is durable (72 hours by default), which no in-process retry loop can be.
/// </summary>
public interface IEmailSender
{
    Task<SendOutcome> SendAsync(Notification notification, CancellationToken ct);
}
