using Azure;
using Azure.Data.Tables;
using Ses.Infrastructure.Storage;

namespace Ses.Http.Api;

/// <summary>
/// Which journey owns a PRaP purchase order number (13.06, 13.49). A PRaP referral's journey is keyed by its number; an SRO
/// introduction's journey (<c>sro-…</c>) takes the number when eligibility is confirmed, and JCP's later PRaP referral with
/// that number must resolve to it rather than start a second journey.
/// <para>
/// Concurrency: one row per number, written insert-only, in the index table's partition <c>j</c> (RowKey <c>a|{number}</c>).
/// Whichever request inserts it first — a PRaP referral claiming the number for itself, or an SRO confirmation claiming it
/// for the introduction — owns the number; every later claimant reads the owner instead (Table Storage rejects a second
/// insert of the same key with 409, on any host). See docs/adr/004.
/// </para>
/// </summary>
public sealed class ReferralAliases(StorageClients storage)
{
    private const string Partition = "j";
    private const string Prefix = "a|";
    private TableClient Index => storage.Index;

    private static TableEntity ClaimRow(string purchaseOrder, string journeyId) => new(Partition, Prefix + purchaseOrder) { ["JourneyId"] = journeyId };

    /// <summary>The number's owner, or null when nobody claimed it.</summary>
    public async Task<string?> OwnerAsync(string purchaseOrder, CancellationToken ct)
    {
        var row = await Index.GetEntityIfExistsAsync<TableEntity>(Partition, Prefix + purchaseOrder, cancellationToken: ct);
        return row.HasValue ? row.Value!.GetString("JourneyId") : null;
    }

    /// <summary>Claims <paramref name="purchaseOrder"/> for <paramref name="journeyId"/> unless already owned; returns the owner and whether this call created the claim.</summary>
    public async Task<(string Owner, bool Created)> ClaimAsync(string purchaseOrder, string journeyId, CancellationToken ct)
    {
        try
        {
            await Index.AddEntityAsync(ClaimRow(purchaseOrder, journeyId), ct);
            return (journeyId, true);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return (await OwnerAsync(purchaseOrder, ct) ?? journeyId, false);
        }
    }

    /// <summary>Gives the number back, only if <paramref name="journeyId"/> still owns it: a confirmation the journey refused, or a purge.</summary>
    public async Task ReleaseAsync(string purchaseOrder, string journeyId, CancellationToken ct)
    {
        var row = await Index.GetEntityIfExistsAsync<TableEntity>(Partition, Prefix + purchaseOrder, cancellationToken: ct);
        if (row.HasValue && row.Value!.GetString("JourneyId") == journeyId)
        {
            try
            {
                await Index.DeleteEntityAsync(Partition, Prefix + purchaseOrder, row.Value.ETag, ct);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Already gone, or taken by someone else in between: theirs to keep.
            }
        }
    }
}
