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
    /// The listing row of <paramref name="journey"/> as of <paramref name="at"/> (when its overdue flag is judged) and its
    /// rows in next-due order (<see cref="JourneyListing.ToEntities"/>). The journey's commit
    /// (<c>CommitJourney</c>) writes them in the index partition after each step, in one transaction with the moves of
    /// its next-due rows and its wake-up row (ADR 009, 010).
    /// </summary>
    public static IReadOnlyList<TableEntity> ListingRows(Journey journey, DateTimeOffset at) => JourneyListing.From(journey, at).ToEntities();

    /// <summary>Removes the journey's listing and its next-due rows (purge, SPEC 6); nothing of what it does not have.</summary>
    public async Task DeleteAsync(Journey journey, CancellationToken ct = default)
    {
        var listing = JourneyListing.From(journey, time.GetUtcNow());
        foreach (var key in listing.DueKeys().Prepend(IndexKeys.Listing(listing.Provider, listing.JourneyId)))
        {
            await Table.DeleteEntityAsync(IndexKeys.Partition, key, ETag.All, ct);
        }
    }

    /// <summary>
    /// One page of listings, next due first (then by journey ID; nothing due last), from the next-due rows of the
    /// provider's scope or of every provider's, with the table's continuation token. A due date range is a row key range;
    /// the other filters are column filters, so a page may hold fewer than <paramref name="pageSize"/> rows while a token
    /// remains, as any filtered table query may.
    /// </summary>
    public async Task<(IReadOnlyList<JourneyListing> Listings, string? Continuation)> PageAsync(
        ListingFilter filter, int pageSize, string? continuation, CancellationToken ct = default)
    {
        var clauses = new List<string> { KeyRange(IndexKeys.DueRange(filter.Provider, filter.DueFrom, filter.DueBefore)) };
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
        await foreach (var row in Table.QueryAsync<TableEntity>(KeyRange(IndexKeys.ListingRange(provider)), select: columns, cancellationToken: ct))
        {
            yield return JourneyListing.FromEntity(row);
        }
    }

    /// <summary>
    /// Walks every journey's state row once and writes the listing rows of each whose listing is missing or older, or
    /// whose next-due rows are not exactly its two (backfill and repair), opening only those journeys: a rebuild of an
    /// index that is up to date reads three scans and writes nothing. A listing of the same or a newer version is left
    /// alone, and each journey's rows are one transaction that is conditional on the listing read (insert, or replace at
    /// its ETag), so a rebuild racing the engine never puts an older journey over a newer listing or leaves a stale
    /// next-due row behind (the engine's commit moves those in its own transaction with the listing).
    /// </summary>
    public async Task<IndexRebuild> RebuildAsync(CancellationToken ct = default)
    {
        var listings = new Dictionary<string, (int Version, ETag ETag, string[] DueKeys)>(StringComparer.Ordinal);
        await foreach (var row in Table.QueryAsync<TableEntity>(KeyRange(IndexKeys.ListingRange(null)), select: ["RowKey", "Version", "JourneyId", "Provider", "NextDue"], cancellationToken: ct))
        {
            var shown = JourneyListing.FromEntity(row);
            listings[row.RowKey] = (shown.Version, row.ETag, shown.DueKeys().Order(StringComparer.Ordinal).ToArray());
        }
        var dues = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var row in Table.QueryAsync<TableEntity>(KeyRange((IndexKeys.DuePrefix, "d}")), select: ["RowKey", "JourneyId"], cancellationToken: ct))
        {
            var id = row.GetString("JourneyId") ?? "";
            if (!dues.TryGetValue(id, out var rows)) dues[id] = rows = [];
            rows.Add(row.RowKey);
        }
        int journeys = 0, written = 0;
        await foreach (var (journeyId, provider, version) in store.StatesAsync(ct))
        {
            journeys++;
            var due = dues.GetValueOrDefault(journeyId) ?? [];
            // Up to date: a listing of this version or newer, and exactly the next-due rows that listing names.
            if (provider is not null && listings.TryGetValue(IndexKeys.Listing(provider, journeyId), out var current) && current.Version >= version
                && due.Order(StringComparer.Ordinal).SequenceEqual(current.DueKeys)) continue;
            if (await store.GetAsync(journeyId, ct) is not { } stored) continue; // purged since the scan passed it
            var listing = JourneyListing.From(stored.Journey, time.GetUtcNow());
            (int, ETag)? seen = listings.TryGetValue(IndexKeys.Listing(listing.Provider, journeyId), out var was) ? (was.Version, was.ETag) : null;
            if (await WriteUnlessNewerAsync(listing, seen, due, ct)) written++;
        }
        return new IndexRebuild(journeys, written);
    }

    /// <summary>
    /// The journey's listing rows in one transaction, unless its listing is newer than the journey: the listing inserted,
    /// or replaced at the ETag read; its next-due rows written and any other it had (<paramref name="dueKeys"/>) deleted.
    /// </summary>
    private async Task<bool> WriteUnlessNewerAsync(JourneyListing listing, (int Version, ETag ETag)? seen, IEnumerable<string> dueKeys, CancellationToken ct)
    {
        var stale = dueKeys.Except(listing.DueKeys()).ToList();
        for (var attempt = 1; ; attempt++)
        {
            if (seen is { } newer && newer.Version > listing.Version) return false;
            var rows = listing.ToEntities();
            var actions = new List<TableTransactionAction>
            {
                seen is { } older
                    ? new(TableTransactionActionType.UpdateReplace, rows[0], older.ETag)
                    : new(TableTransactionActionType.Add, rows[0]),
            };
            actions.AddRange(rows.Skip(1).Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
            actions.AddRange(stale.Select(key => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(IndexKeys.Partition, key), ETag.All)));
            try
            {
                await Table.SubmitTransactionAsync(actions, ct);
                return true;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404 && ex.FailedTransactionActionIndex is int i && i > 0)
            {
                stale.Remove(actions[i].Entity.RowKey); // gone already
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                return false; // the listing was purged since it was read: not brought back
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another writer got there first: judge again against what is there now.
                var now = await Table.GetEntityIfExistsAsync<TableEntity>(IndexKeys.Partition, rows[0].RowKey, select: ["Version"], cancellationToken: ct);
                seen = now.HasValue ? (now.Value!.GetInt32("Version") ?? 0, now.Value.ETag) : null;
            }
            if (attempt >= MaxAttempts) return false;
        }
    }

    /// <summary>The index partition's rows with keys in <c>[From, To)</c>.</summary>
    private static string KeyRange((string From, string To) range) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {IndexKeys.Partition} and RowKey ge {range.From} and RowKey lt {range.To}");
}
