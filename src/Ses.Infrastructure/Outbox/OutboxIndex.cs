using Azure.Data.Tables;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Outbox;

/// <summary>
/// Pointers to notifications waiting to be sent, so the sender finds them without scanning journeys. Written before the
/// journey commit (write-ahead): a pointer whose notification was never committed is dropped once the journey has moved past
/// that version (or after an hour, when the writer evidently died).
/// </summary>
public sealed class OutboxIndex(StorageClients storage)
{
    private const string Pending = "pending";
    private TableClient Table => storage.Outbox;

    public async Task EnqueueAsync(IEnumerable<Notification> notifications, int version, DateTimeOffset now, CancellationToken ct = default)
    {
        foreach (var n in notifications)
        {
            var row = new TableEntity(Pending, n.NotificationId) { ["Version"] = version, ["EnqueuedAt"] = now };
            await Table.UpsertEntityAsync(row, TableUpdateMode.Merge, ct);
        }
    }

    public async Task<IReadOnlyList<TableEntity>> PendingAsync(DateTimeOffset now, int max, CancellationToken ct = default)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Pending}"), maxPerPage: Math.Min(max, 1000), cancellationToken: ct))
        {
            if (Leases.IsFree(row, now)) rows.Add(row);
            if (rows.Count >= max) break;
        }
        return rows;
    }

    public Task<TableEntity?> ClaimAsync(TableEntity row, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default) =>
        Leases.TryClaimAsync(Table, row, now, lease, ct);

    public Task CompleteAsync(TableEntity row, CancellationToken ct = default) => Leases.DeleteAsync(Table, row, ct);

    public async Task DeleteJourneyAsync(string journeyId, CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Pending} and RowKey ge {journeyId + "."} and RowKey lt {journeyId + "/"}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) await Leases.DeleteAsync(Table, row, ct);
    }
}
