using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Journeys;

/// <summary>
/// The filters of <c>GET /api/journeys</c> and of the caseload tiles: the provider is a row key range, the rest are column
/// filters on the listing row (<see cref="ListingFilter.ToQuery"/>), all combined with "and".
/// </summary>
/// <param name="Phases">Any of these phases (empty: any phase).</param>
/// <param name="OverdueOnly">SPEC 4.4's overdue as the listing judged it (the <c>overdue=true</c> of SPEC 5).</param>
/// <param name="MissedDeadlineOnly">The "Overdue" tile: an open journey with a missed deadline.</param>
/// <param name="DueFrom">The next deadline due on or after this date.</param>
/// <param name="DueBefore">The next deadline due before this date.</param>
/// <param name="OutcomeMonth">A short or sustained outcome achieved in this month (its first day).</param>
/// <param name="WithoutRestricted">Leaves restricted records out (13.71: their outcomes are only for those who may see them).</param>
/// <param name="ReferralIdPrefix">The referral ID starts with this.</param>
public sealed record ListingFilter(
    string? Provider = null, IReadOnlyList<Phase>? Phases = null, bool OverdueOnly = false, bool MissedDeadlineOnly = false,
    DateOnly? DueFrom = null, DateOnly? DueBefore = null, DateOnly? OutcomeMonth = null, bool WithoutRestricted = false,
    string? ReferralIdPrefix = null)
{
    /// <summary>The column clauses (without the provider's row key range), in the listing row's text forms.</summary>
    public IEnumerable<string> ToQuery()
    {
        static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        if (Phases is { Count: > 0 } phases)
        {
            yield return "(" + string.Join(" or ", phases.Distinct().Select(p => TableClient.CreateQueryFilter($"Phase eq {Kebab.Of(p)}"))) + ")";
        }
        if (OverdueOnly) yield return "Overdue eq true";
        if (MissedDeadlineOnly) yield return "HasMissedDeadline eq true";
        if (DueFrom is { } from) yield return TableClient.CreateQueryFilter($"NextDue ge {Day(from)}");
        if (DueBefore is { } before) yield return TableClient.CreateQueryFilter($"NextDue lt {Day(before)}");
        if (OutcomeMonth is { } month)
        {
            var (first, next) = (Day(month), Day(month.AddMonths(1)));
            var achieved = Kebab.Of(OutcomeState.Achieved);
            yield return TableClient.CreateQueryFilter(
                $"((ShortState eq {achieved} and ShortOn ge {first} and ShortOn lt {next}) or (SustainedState eq {achieved} and SustainedOn ge {first} and SustainedOn lt {next}))");
        }
        if (WithoutRestricted) yield return "Restricted eq false";
        if (ReferralIdPrefix is { Length: > 0 } prefix)
        {
            // A prefix is the range [prefix, prefix with its last character incremented).
            var after = prefix[..^1] + (char)(prefix[^1] + 1);
            yield return TableClient.CreateQueryFilter($"ReferralId ge {prefix} and ReferralId lt {after}");
        }
    }
}

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
    /// The listing row of <paramref name="journey"/> as of <paramref name="at"/> (when its overdue flag is judged). The journey's
    /// commit (<c>CommitJourney</c>) writes it in the index partition after each step, with the wake-up row (ADR 010).
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
        clauses.AddRange(filter.ToQuery());
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
