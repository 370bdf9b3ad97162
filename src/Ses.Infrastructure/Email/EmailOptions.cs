namespace Ses.Infrastructure.Email;

/// <summary>SPEC 8: <c>SendGrid:*</c>, <c>Inboxes:*</c> and <c>Providers:{id}:*</c>.</summary>
public sealed class SendGridOptions
{
    public string? ApiKey { get; set; }
    /// <summary>Overrides the SendGrid API base URL (a local stand-in in tests).</summary>
    public string? Host { get; set; }
    public string From { get; set; } = "ses-journeys@example.org";
    public int MaxAttempts { get; set; } = 5;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);
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
    public string? Region { get; set; }
}
