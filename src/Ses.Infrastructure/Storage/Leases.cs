using Azure;
using Azure.Data.Tables;

namespace Ses.Infrastructure.Storage;

/// <summary>
/// Claims index rows (timers, outbox entries) so that one host works on each at a time: a conditional update of
/// <c>LeaseUntil</c> with the row's ETag succeeds for exactly one host. A host that dies leaves the lease to expire,
/// and another host takes the row over; the work itself is idempotent, so a second run changes nothing.
/// </summary>
public static class Leases
{
    public const string LeaseUntil = "LeaseUntil";

    public static bool IsFree(TableEntity row, DateTimeOffset now) =>
        (row.GetDateTimeOffset(LeaseUntil) ?? DateTimeOffset.MinValue) <= now;

    public static async Task<TableEntity?> TryClaimAsync(
        TableClient table, TableEntity row, DateTimeOffset now, TimeSpan duration, CancellationToken ct)
    {
        if (!IsFree(row, now)) return null;
        var claim = new TableEntity(row.PartitionKey, row.RowKey) { [LeaseUntil] = now + duration };
        try
        {
            var response = await table.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Merge, ct);
            row[LeaseUntil] = now + duration;
            row.ETag = response.Headers.ETag ?? row.ETag;
            return row;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null; // another host claimed or finished it first
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
