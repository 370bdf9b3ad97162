using System.Text.RegularExpressions;

namespace Ses.Infrastructure.Storage;

/// <summary>SPEC 8: <c>Storage:ConnectionString</c> and <c>Storage:Prefix</c>, the prefix of every table, container and queue name.</summary>
public sealed partial class StorageOptions
{
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Letters and digits only, starting with a letter, so it is valid in table and (lower-cased) container names.</summary>
    public string Prefix { get; set; } = "ses";

    /// <summary>How long one storage request may take before it is abandoned (and retried, <see cref="MaxRetries"/> times).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);
    public int MaxRetries { get; set; } = 1;

    public string JourneysTable => $"{Prefix}Journeys";
    public string TimersTable => $"{Prefix}Timers";
    public string OutboxTable => $"{Prefix}Outbox";
    public string ClockTable => $"{Prefix}Clock";
    public string DocumentsContainer => $"{Prefix.ToLowerInvariant()}-documents";
    public string OutboxContainer => $"{Prefix.ToLowerInvariant()}-outbox";

    public void Validate()
    {
        if (!PrefixShape().IsMatch(Prefix))
        {
            throw new InvalidOperationException(
                "Storage:Prefix must be 1-40 letters or digits starting with a letter (it prefixes table and container names).");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex PrefixShape();
}
