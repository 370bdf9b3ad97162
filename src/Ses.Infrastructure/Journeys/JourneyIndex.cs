using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Journeys;

/// <summary>The filters of <c>GET /api/journeys</c>: the provider is a row key range, the rest are column filters.</summary>
public sealed record ListingFilter(string? Provider = null, Phase? Phase = null, bool OverdueOnly = false, DateOnly? DueBefore = null);

/// <summary>What a rebuild did: the journeys it walked and the listings it wrote (missing or older than the journey).</summary>
public sealed record IndexRebuild(int Journeys, int Written);

/// <summary>
/// One listing row per journey in the Index table (<see cref="IndexKeys"/>, <see cref="JourneyListing"/>): the list,
/// the caseload summary and the statistics read these instead of scanning the journeys table and opening every journey.
/// </summary>
public sealed class JourneyIndex(StorageClients storage, JourneyStore store, TimeProvider time)
{
    private const int MaxAttempts = 5;

    private TableClient Table => storage.Index;

    /// <summary>
    /// The listing row of <paramref name="journey"/> as of <paramref name="at"/> (when its overdue flag is judged). The engine
    /// writes it in a decision's write-ahead transaction when what it shows changed, and the dispatcher at every wake-up
    /// (ADR 008).
    /// </summary>
    public static TableEntity ListingRow(Journey journey, DateTimeOffset at) => JourneyListing.From(journey, at).ToEntity();

    /// <summary>Removes the journey's listing (purge, SPEC 6); nothing when it has none.</summary>
    public async Task DeleteAsync(Journey journey, CancellationToken ct = default) =>
        await Table.DeleteEntityAsync(IndexKeys.Partition, IndexKeys.Listing(journey.Referral.Provider, journey.JourneyId), ETag.All, ct);

    /// <summary>
    /// One page of listings in row key order (provider, then journey ID; escaped, so "prov-a" comes before "prov") with the
    /// table's continuation token. A page may hold fewer than <paramref name="pageSize"/> rows while a token remains, as
    /// any filtered table query may.
    /// </summary>
    public async Task<(IReadOnlyList<JourneyListing> Listings, string? Continuation)> PageAsync(
        ListingFilter filter, int pageSize, string? continuation, CancellationToken ct = default)
    {
        var clauses = new List<string> { RangeFilter(filter.Provider) };
        if (filter.Phase is { } phase) clauses.Add(TableClient.CreateQueryFilter($"Phase eq {Kebab.Of(phase)}"));
        if (filter.OverdueOnly) clauses.Add("Overdue eq true");
        if (filter.DueBefore is { } before) clauses.Add(TableClient.CreateQueryFilter($"NextDue lt {before.ToString("yyyy-MM-dd")}"));
        var pages = Table.QueryAsync<TableEntity>(string.Join(" and ", clauses), pageSize, cancellationToken: ct).AsPages(continuation, pageSize);
        await foreach (var page in pages) return (page.Values.Select(JourneyListing.FromEntity).ToArray(), page.ContinuationToken);
        return ([], null);
    }

    /// <summary>
    /// Every listing, or one provider's, with only <paramref name="columns"/> read (1,000 rows per round trip); the
    /// columns not selected read as defaults.
    /// </summary>
    public async IAsyncEnumerable<JourneyListing> ListingsAsync(
        string? provider, IReadOnlyList<string> columns, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var row in Table.QueryAsync<TableEntity>(RangeFilter(provider), select: columns, cancellationToken: ct))
        {
            yield return JourneyListing.FromEntity(row);
        }
    }

    /// <summary>
    /// Walks every journey's state row once and writes the listing of each that has none or an older one (backfill and
    /// repair), opening only those journeys: a rebuild of an index that is up to date reads two scans and writes nothing.
    /// A listing of the same or a newer version is left alone, and every write is conditional (insert, or replace at the
    /// ETag read), so a rebuild racing the engine never puts an older journey over a newer listing.
    /// </summary>
    public async Task<IndexRebuild> RebuildAsync(CancellationToken ct = default)
    {
        var existing = new Dictionary<string, (int Version, ETag ETag)>(StringComparer.Ordinal);
        await foreach (var row in Table.QueryAsync<TableEntity>(RangeFilter(null), select: ["RowKey", "Version"], cancellationToken: ct))
        {
            existing[row.RowKey] = (row.GetInt32("Version") ?? 0, row.ETag);
        }
        (int Version, ETag ETag)? Seen(string rowKey) => existing.TryGetValue(rowKey, out var seen) ? seen : null;
        int journeys = 0, written = 0;
        await foreach (var (journeyId, provider, version) in store.StatesAsync(ct))
        {
            journeys++;
            if (provider is not null && Seen(IndexKeys.Listing(provider, journeyId)) is { } current && current.Version >= version) continue;
            if (await store.GetAsync(journeyId, ct) is not { } stored) continue; // purged since the scan passed it
            var row = ListingRow(stored.Journey, time.GetUtcNow());
            if (await WriteUnlessNewerAsync(row, stored.Journey.Version, Seen(row.RowKey), ct)) written++;
        }
        return new IndexRebuild(journeys, written);
    }

    /// <summary>Whether the backfill marker is there: every journey created before listings existed has one.</summary>
    public async Task<bool> BackfilledAsync(CancellationToken ct = default) =>
        (await Table.GetEntityIfExistsAsync<TableEntity>(IndexKeys.Partition, IndexKeys.BackfillMarker, select: ["RowKey"], cancellationToken: ct)).HasValue;

    public async Task MarkBackfilledAsync(IndexRebuild rebuild, CancellationToken ct = default) =>
        await Table.UpsertEntityAsync(
            new TableEntity(IndexKeys.Partition, IndexKeys.BackfillMarker) { ["Journeys"] = rebuild.Journeys, ["Written"] = rebuild.Written, ["At"] = time.GetUtcNow() },
            TableUpdateMode.Replace, ct);

    private async Task<bool> WriteUnlessNewerAsync(TableEntity row, int version, (int Version, ETag ETag)? seen, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (seen is { } current && current.Version >= version) return false;
            try
            {
                if (seen is { } older) await Table.UpdateEntityAsync(row, older.ETag, TableUpdateMode.Replace, ct);
                else await Table.AddEntityAsync(row, ct);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return false; // purged since it was read: not brought back
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer got there first: judge again against what is there now.
                var now = await Table.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, select: ["Version"], cancellationToken: ct);
                seen = now.HasValue ? (now.Value!.GetInt32("Version") ?? 0, now.Value.ETag) : null;
            }
        }
    }

    private static string RangeFilter(string? provider)
    {
        var (from, to) = IndexKeys.ListingRange(provider);
        return TableClient.CreateQueryFilter($"PartitionKey eq {IndexKeys.Partition} and RowKey ge {from} and RowKey lt {to}");
    }
}
