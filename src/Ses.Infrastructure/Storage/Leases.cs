using Azure;
using Azure.Data.Tables;

namespace Ses.Infrastructure.Storage;

/// <summary>
/// Claims index rows (timers) so that one host works on each at a time: a conditional update of <c>LeaseUntil</c> with the
/// row's ETag succeeds for exactly one host. Leases are real time (<see cref="RealClock"/>), never virtual. A host that dies
/// leaves the lease to expire, and another host takes the row over; the work itself is idempotent.
/// </summary>
public static class Leases
{
    public const string LeaseUntil = "LeaseUntil";
    public const string Owner = "Owner";

    public static bool IsFree(TableEntity row, DateTimeOffset realNow) =>
        (row.GetDateTimeOffset(LeaseUntil) ?? DateTimeOffset.MinValue) <= realNow;

    /// <summary>Takes the row until <paramref name="until"/>; the claimed row (with its new ETag), or null when another host was first.</summary>
    public static async Task<TableEntity?> TryClaimAsync(
        TableClient table, TableEntity row, DateTimeOffset until, string owner, CancellationToken ct, IDictionary<string, object?>? extra = null)
    {
        var claim = new TableEntity(row.PartitionKey, row.RowKey) { [LeaseUntil] = until, [Owner] = owner };
        foreach (var (key, value) in extra ?? new Dictionary<string, object?>()) claim[key] = value;
        try
        {
            var response = await table.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Merge, ct);
            foreach (var (key, value) in claim) row[key] = value;
            row.ETag = response.Headers.ETag ?? row.ETag;
            return row;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null; // another host claimed, rewrote or finished it first
        }
    }

    /// <summary>Deletes the row only if it is still the one we hold: a row rewritten since (a new write-ahead) stays.</summary>
    public static async Task<bool> DeleteIfUnchangedAsync(TableClient table, TableEntity row, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return ex.Status == 404;
        }
    }

    public static async Task DeleteAsync(TableClient table, TableEntity row, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }
}
