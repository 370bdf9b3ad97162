using System.Text.RegularExpressions;

namespace Ses.Infrastructure.Storage;

/// <summary>
/// SPEC 8: <c>Storage:ConnectionString</c> and <c>Storage:Prefix</c>, the prefix of every table, container and queue name.
/// Without a connection string, <c>Storage:AccountName</c> (or explicit <c>Storage:TableEndpoint</c> and
/// <c>Storage:BlobEndpoint</c>) reaches the account with an Azure AD token (DefaultAzureCredential: the managed identity
/// in Azure), so no account key is needed. With neither, the local emulator (<c>UseDevelopmentStorage=true</c>).
/// </summary>
public sealed partial class StorageOptions
{
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public string? ConnectionString { get; set; }

    /// <summary>The storage account name; gives https://{name}.table|blob.core.windows.net when the endpoints are not set.</summary>
    public string? AccountName { get; set; }

    public string? TableEndpoint { get; set; }
    public string? BlobEndpoint { get; set; }
    /// <summary>The queue endpoint the task hub uses (its control and work-item queues, ADR 009).</summary>
    public string? QueueEndpoint { get; set; }

    /// <summary>True when storage is reached with a token credential instead of a connection string.</summary>
    public bool UsesIdentity => string.IsNullOrWhiteSpace(ConnectionString) &&
        (!string.IsNullOrWhiteSpace(AccountName) || !string.IsNullOrWhiteSpace(TableEndpoint) || !string.IsNullOrWhiteSpace(BlobEndpoint));

    /// <summary>The connection string in use when <see cref="UsesIdentity"/> is false.</summary>
    public string EffectiveConnectionString => string.IsNullOrWhiteSpace(ConnectionString) ? DevelopmentStorage : ConnectionString;

    public Uri TableUri => Endpoint(TableEndpoint, "table");
    public Uri BlobUri => Endpoint(BlobEndpoint, "blob");
    public Uri QueueUri => Endpoint(QueueEndpoint, "queue");

    /// <summary>Letters and digits only, starting with a letter, so it is valid in table and (lower-cased) container names.</summary>
    public string Prefix { get; set; } = "ses";

    /// <summary>How long one storage request may take before it is abandoned (and retried, <see cref="MaxRetries"/> times).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);
    public int MaxRetries { get; set; } = 1;

    public string JourneysTable => $"{Prefix}Journeys";
    public string TimersTable => $"{Prefix}Timers";
    public string OutboxTable => $"{Prefix}Outbox";
    public string ClockTable => $"{Prefix}Clock";
    /// <summary>One row per journey: its data key, protected by Data Protection (ADR 005).</summary>
    public string KeysTable => $"{Prefix}Keys";
    /// <summary>Query-ready rows: one listing row per journey (lists, caseload, statistics) and one wake-up row per journey (issue 9).</summary>
    public string IndexTable => $"{Prefix}Index";
    public string DocumentsContainer => $"{Prefix.ToLowerInvariant()}-documents";
    public string OutboxContainer => $"{Prefix.ToLowerInvariant()}-outbox";
    /// <summary>The Data Protection key ring that protects the journeys' data keys (ADR 005).</summary>
    public string KeyRingContainer => $"{Prefix.ToLowerInvariant()}-keyring";

    public void Validate()
    {
        if (!PrefixShape().IsMatch(Prefix))
        {
            throw new InvalidOperationException(
                "Storage:Prefix must be 1-40 letters or digits starting with a letter (it prefixes table and container names).");
        }
        if (UsesIdentity && (string.IsNullOrWhiteSpace(TableEndpoint) || string.IsNullOrWhiteSpace(BlobEndpoint) || string.IsNullOrWhiteSpace(QueueEndpoint))
            && string.IsNullOrWhiteSpace(AccountName))
        {
            throw new InvalidOperationException(
                "Without Storage:ConnectionString, set Storage:AccountName or Storage:TableEndpoint, Storage:BlobEndpoint and Storage:QueueEndpoint.");
        }
    }

    private Uri Endpoint(string? configured, string service) =>
        !string.IsNullOrWhiteSpace(configured) ? new Uri(configured) : new Uri($"https://{AccountName}.{service}.core.windows.net/");

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,39}$")]
    private static partial Regex PrefixShape();
}
