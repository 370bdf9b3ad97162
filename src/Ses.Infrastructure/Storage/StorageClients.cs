using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Ses.Infrastructure.Storage;

/// <summary>The Azure SDK clients for one storage account and prefix, created once and shared (they are thread-safe).</summary>
public sealed class StorageClients
{
    private int _ready;

    /// <param name="credential">Used only without a connection string (<see cref="StorageOptions.UsesIdentity"/>);
    /// defaults to <see cref="DefaultAzureCredential"/>, which is the Function App's managed identity in Azure.</param>
    public StorageClients(StorageOptions options, TokenCredential? credential = null)
    {
        options.Validate();
        Options = options;
        // Fail fast: a stalled or unreachable account becomes a 503 within about 5 s (RequestTimeout per try, MaxRetries
        // retries), not minutes; background work backs off and tries again.
        var tableOptions = new TableClientOptions();
        var blobOptions = new BlobClientOptions();
        foreach (var retry in new[] { tableOptions.Retry, blobOptions.Retry })
        {
            retry.MaxRetries = options.MaxRetries;
            retry.Delay = TimeSpan.FromMilliseconds(200);
            retry.MaxDelay = TimeSpan.FromSeconds(1);
            retry.NetworkTimeout = options.RequestTimeout;
        }
        tableOptions.AddPolicy(RoundTrips, HttpPipelinePosition.PerRetry);
        blobOptions.AddPolicy(RoundTrips, HttpPipelinePosition.PerRetry);
        TableServiceClient tables;
        BlobServiceClient blobs;
        if (options.UsesIdentity)
        {
            credential ??= new DefaultAzureCredential();
            tables = new TableServiceClient(options.TableUri, credential, tableOptions);
            blobs = new BlobServiceClient(options.BlobUri, credential, blobOptions);
        }
        else
        {
            tables = new TableServiceClient(options.EffectiveConnectionString, tableOptions);
            blobs = new BlobServiceClient(options.EffectiveConnectionString, blobOptions);
        }
        Journeys = tables.GetTableClient(options.JourneysTable);
        Timers = tables.GetTableClient(options.TimersTable);
        Outbox = tables.GetTableClient(options.OutboxTable);
        Clock = tables.GetTableClient(options.ClockTable);
        Keys = tables.GetTableClient(options.KeysTable);
        Index = tables.GetTableClient(options.IndexTable);
        Documents = blobs.GetBlobContainerClient(options.DocumentsContainer);
        OutboxBlobs = blobs.GetBlobContainerClient(options.OutboxContainer);
        KeyRing = blobs.GetBlobContainerClient(options.KeyRingContainer);
        Service = tables;
    }

    public StorageOptions Options { get; }

    /// <summary>Every storage request these clients sent, retries included.</summary>
    public RoundTripCounter RoundTrips { get; } = new();
    public TableServiceClient Service { get; }
    public TableClient Journeys { get; }
    public TableClient Timers { get; }
    public TableClient Outbox { get; }
    public TableClient Clock { get; }
    public TableClient Keys { get; }
    public TableClient Index { get; }
    public BlobContainerClient Documents { get; }
    public BlobContainerClient OutboxBlobs { get; }
    public BlobContainerClient KeyRing { get; }

    /// <summary>Creates the tables and containers if they do not exist. Idempotent; cheap after the first call.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _ready) == 1) return;
        await Task.WhenAll(
            Journeys.CreateIfNotExistsAsync(cancellationToken),
            Timers.CreateIfNotExistsAsync(cancellationToken),
            Outbox.CreateIfNotExistsAsync(cancellationToken),
            Clock.CreateIfNotExistsAsync(cancellationToken),
            Keys.CreateIfNotExistsAsync(cancellationToken),
            Index.CreateIfNotExistsAsync(cancellationToken),
            Documents.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            OutboxBlobs.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            KeyRing.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        Volatile.Write(ref _ready, 1);
    }
}
