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
    /// <summary>One attempt never takes longer than this; a timeout is a transient failure, never a storage failure.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The first retry delay; each further one doubles, with full jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Emails in flight at once per host.</summary>
    public int Concurrency { get; set; } = 8;
    /// <summary>How long a claim (status <c>sending</c>) keeps other hosts off; must outlast a send.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>A pointer written ahead of a commit that never landed is dropped after this long.</summary>
    public TimeSpan WriteAheadGrace { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>How long a virtual clock move waits for the emails it caused before it answers.</summary>
    public TimeSpan ClockMoveWait { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the background sender looks for due emails when it has nothing in hand.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public void Validate()
    {
        if (Lease <= SendTimeout) throw new InvalidOperationException("Outbox:Lease must be longer than Outbox:SendTimeout, or a slow send could be claimed twice.");
        if (Concurrency < 1) throw new InvalidOperationException("Outbox:Concurrency must be at least 1.");
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
