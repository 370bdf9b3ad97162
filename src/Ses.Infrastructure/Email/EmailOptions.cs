namespace Ses.Infrastructure.Email;

/// <summary>SPEC 8: <c>SendGrid:*</c>, <c>Inboxes:*</c> and <c>Providers:{id}:*</c>.</summary>
public sealed class SendGridOptions
{
    public string? ApiKey { get; set; }
    /// <summary>Overrides the SendGrid API base URL (a local stand-in in tests).</summary>
    public string? Host { get; set; }
    public string From { get; set; } = "ses-journeys@example.org";
}

/// <summary>
/// SPEC 8 <c>Outbox:*</c>: how long and how often delivery is retried. Every time here is real time, even with the virtual
/// clock (ADR 001).
/// </summary>
public sealed class OutboxOptions
{
    /// <summary>After this long since the first attempt, a notification that still fails is <c>failed</c> and the provider alerted.</summary>
    public TimeSpan RetryHorizon { get; set; } = TimeSpan.FromHours(72);
    /// <summary>
    /// One attempt never takes longer than this. Past it the attempt is unanswered (SendGrid may have accepted it) and is
    /// sent at most once more (ADR 010), so it is long enough for a slow SendGrid's answer (a 40 s hang ending in 202).
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>The first retry delay; each further one doubles, with full jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How long a virtual clock move waits for the emails it caused before it answers.</summary>
    public TimeSpan ClockMoveWait { get; set; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (SendTimeout <= TimeSpan.Zero) throw new InvalidOperationException("Outbox:SendTimeout must be positive.");
        if (RetryHorizon <= TimeSpan.Zero) throw new InvalidOperationException("Outbox:RetryHorizon must be positive.");
    }
}

public sealed class InboxOptions
{
    public string UcServiceCentre { get; set; } = "";
    public string SesPolicy { get; set; } = "";
}

public sealed class ProviderOptions
{
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public string ClaimsEmail { get; set; } = "";
    /// <summary>The provider's telephone number for JCP (UC452 part 7, 13.31); optional.</summary>
    public string? Phone { get; set; }
    public string? Region { get; set; }
}
