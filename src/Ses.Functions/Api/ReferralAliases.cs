using Azure;
using Azure.Data.Tables;
using Ses.Infrastructure.Storage;

namespace Ses.Functions.Api;

/// <summary>
/// Which journey owns a PRaP purchase order number (13.06, 13.49). A PRaP referral's journey is keyed by its number; an SRO
/// introduction's journey (<c>sro-…</c>) takes the number when eligibility is confirmed, and JCP's later PRaP referral with
/// that number must resolve to it rather than start a second journey.
/// <para>
/// Concurrency: one row per number in <c>{prefix}Aliases</c> (PartitionKey = the number), written insert-only. Whichever
/// request inserts it first — a PRaP referral claiming the number for itself, or an SRO confirmation claiming it for the
/// introduction — owns the number; every later claimant reads the owner instead (Table Storage rejects a second insert
/// of the same key with 409, on any host). See docs/adr/004.
/// </para>
/// </summary>
public sealed class ReferralAliases(StorageClients storage)
{
    private const string RowKey = "alias";
    private readonly TableClient _table = storage.Service.GetTableClient($"{storage.Options.Prefix}Aliases");
    private int _ready;

    /// <summary>Claims <paramref name="purchaseOrder"/> for <paramref name="journeyId"/> unless already owned; returns the owner and whether this call created the claim.</summary>
    public async Task<(string Owner, bool Created)> ClaimAsync(string purchaseOrder, string journeyId, CancellationToken ct)
    {
        await EnsureAsync(ct);
        try
        {
            await _table.AddEntityAsync(new TableEntity(purchaseOrder, RowKey) { ["JourneyId"] = journeyId }, ct);
            return (journeyId, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await _table.GetEntityAsync<TableEntity>(purchaseOrder, RowKey, cancellationToken: ct);
            return (existing.Value.GetString("JourneyId"), false);
        }
    }

    /// <summary>Gives the number back, only if <paramref name="journeyId"/> still owns it: a confirmation the journey refused, or a purge.</summary>
    public async Task ReleaseAsync(string purchaseOrder, string journeyId, CancellationToken ct)
    {
        await EnsureAsync(ct);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(purchaseOrder, RowKey, cancellationToken: ct);
        if (row.HasValue && row.Value!.GetString("JourneyId") == journeyId)
        {
            try
            {
                await _table.DeleteEntityAsync(purchaseOrder, RowKey, row.Value.ETag, ct);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Already gone, or taken by someone else in between: theirs to keep.
            }
        }
    }

    private async Task EnsureAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _ready) == 1) return;
        await _table.CreateIfNotExistsAsync(ct);
        Volatile.Write(ref _ready, 1);
    }
}
