using Azure;
using Azure.Data.Tables;
using Ses.Infrastructure.Storage;

namespace Ses.Functions.Api;

/// <summary>
/// Which journey owns a PRaP purchase order number (13.06, 13.49). A PRaP referral's journey is keyed by its number; an SRO
/// introduction's journey (<c>sro-…</c>) takes the number when eligibility is confirmed, and JCP's later PRaP referral with
/// that number must resolve to it rather than start a second journey.
/// <para>
/// Concurrency: one row per number, written insert-only, in the index table's partition <c>j</c> (RowKey <c>a|{number}</c>,
/// issue 9), so a PRaP referral claims its number in the same transaction as its write-ahead rows instead of a round trip
/// of its own. Whichever request inserts it first — a PRaP referral claiming the number for itself, or an SRO
/// confirmation claiming it for the introduction — owns the number; every later claimant reads the owner instead (Table
/// Storage rejects a second insert of the same key with 409, on any host). See docs/adr/004.
/// </para>
/// <para>
/// Numbers claimed by a release before issue 9 are rows of <c>{prefix}Aliases</c>. On first use each host copies them into
/// the index in the background (then deletes them); until it has found the old table empty, every claim also looks there,
/// so no claim is ever missed.
/// </para>
/// </summary>
public sealed class ReferralAliases(StorageClients storage, ILogger<ReferralAliases> log)
{
    private const string Partition = "j";
    private const string Prefix = "a|";
    private const string LegacyRowKey = "alias";
    private readonly TableClient _legacy = storage.Service.GetTableClient($"{storage.Options.Prefix}Aliases");
    private TableClient Index => storage.Index;
    private Task? _migration;
    private volatile bool _legacyEmpty;

    /// <summary>The row a PRaP referral inserts with its write-ahead to claim its own number.</summary>
    public static TableEntity ClaimRow(string purchaseOrder, string journeyId) => new(Partition, Prefix + purchaseOrder) { ["JourneyId"] = journeyId };

    /// <summary>
    /// The owner the release before recorded for the number, while its claims may still be only in the old table; null once
    /// this host has moved them all (or there were none).
    /// </summary>
    public async Task<string?> LegacyOwnerAsync(string purchaseOrder, CancellationToken ct)
    {
        var migration = _migration;
        if (migration is null)
        {
            var started = new Task<Task>(MigrateAsync);
            if (Interlocked.CompareExchange(ref _migration, started.Unwrap(), null) is null) started.Start(TaskScheduler.Default);
        }
        if (_legacyEmpty) return null;
        try
        {
            var row = await _legacy.GetEntityIfExistsAsync<TableEntity>(purchaseOrder, LegacyRowKey, cancellationToken: ct);
            return row.HasValue ? row.Value!.GetString("JourneyId") : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null; // no such table
        }
    }

    /// <summary>The number's owner, or null when nobody claimed it.</summary>
    public async Task<string?> OwnerAsync(string purchaseOrder, CancellationToken ct)
    {
        var row = await Index.GetEntityIfExistsAsync<TableEntity>(Partition, Prefix + purchaseOrder, cancellationToken: ct);
        return row.HasValue ? row.Value!.GetString("JourneyId") : await LegacyOwnerAsync(purchaseOrder, ct);
    }

    /// <summary>Claims <paramref name="purchaseOrder"/> for <paramref name="journeyId"/> unless already owned; returns the owner and whether this call created the claim.</summary>
    public async Task<(string Owner, bool Created)> ClaimAsync(string purchaseOrder, string journeyId, CancellationToken ct)
    {
        if (await LegacyOwnerAsync(purchaseOrder, ct) is { } earlier) return (earlier, false);
        try
        {
            await Index.AddEntityAsync(ClaimRow(purchaseOrder, journeyId), ct);
            return (journeyId, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await Index.GetEntityAsync<TableEntity>(Partition, Prefix + purchaseOrder, cancellationToken: ct);
            return (existing.Value.GetString("JourneyId"), false);
        }
    }

    /// <summary>Gives the number back, only if <paramref name="journeyId"/> still owns it: a confirmation the journey refused, or a purge.</summary>
    public async Task ReleaseAsync(string purchaseOrder, string journeyId, CancellationToken ct)
    {
        await ReleaseAsync(Index, Partition, Prefix + purchaseOrder, journeyId, ct);
        if (await LegacyOwnerAsync(purchaseOrder, ct) is not null) await ReleaseAsync(_legacy, purchaseOrder, LegacyRowKey, journeyId, ct);
    }

    private static async Task ReleaseAsync(TableClient table, string partition, string rowKey, string journeyId, CancellationToken ct)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: ct);
        if (row.HasValue && row.Value!.GetString("JourneyId") == journeyId)
        {
            try
            {
                await table.DeleteEntityAsync(partition, rowKey, row.Value.ETag, ct);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Already gone, or taken by someone else in between: theirs to keep.
            }
        }
    }

    /// <summary>
    /// Copies the old table's claims into the index, then deletes them: copy first, so a claim is always in one place or
    /// both. A number claimed in both keeps the index's owner (it was claimed there first). A failure is logged and the
    /// next claim starts it again.
    /// </summary>
    private async Task MigrateAsync()
    {
        var moved = 0;
        try
        {
            await foreach (var row in _legacy.QueryAsync<TableEntity>())
            {
                try
                {
                    await Index.AddEntityAsync(ClaimRow(row.PartitionKey, row.GetString("JourneyId")));
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                }
                try
                {
                    await _legacy.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag);
                    moved++;
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                    // released or changed meanwhile: the copy (if any) stands, as a claim made first in the index would
                }
            }
            _legacyEmpty = true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            _legacyEmpty = true; // the table was never created: nothing to move
        }
        catch (Exception ex)
        {
            log.LogWarning("Moving the previous release's purchase order claims failed ({Error}); the next claim tries again.", ex.GetType().Name);
            _migration = null;
        }
        if (moved > 0) log.LogInformation("Moved {Count} purchase order claims of the previous release into the index.", moved);
    }
}
