using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Ses.Domain;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Outbox;

/// <summary>A pointer to a notification that still has to be delivered, and when to look at it next (real time).</summary>
public sealed record OutboxPointer(string NotificationId, int Version, DateTimeOffset EnqueuedAt, DateTimeOffset NextAttemptAt, TableEntity Row)
{
    public string JourneyId => Notification.Split(NotificationId).JourneyId;
}

/// <summary>A notification that needs an operator: failed for good, or retrying (GET /api/notifications).</summary>
public sealed record AttentionItem(
    string NotificationId, string JourneyId, string Template, NotificationStatus Status, int Attempts, string? LastError,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? FailedAt);

/// <summary>
/// The outbox table: the index the sender works from, so it never scans journeys. Partition <c>pending</c> holds one pointer
/// per notification still to deliver, with the real time of its next attempt; partition <c>failed</c> lists the ones that
/// gave up, for the operators' failures view. Pointers are written before the journey commit (write-ahead): one whose
/// notification was never committed is dropped once the journey has moved past its version, or after the grace period.
/// </summary>
public sealed class OutboxIndex(StorageClients storage)
{
    private const string Pending = "pending";
    private const string FailedPartition = "failed";
    private TableClient Table => storage.Outbox;

    public async Task EnqueueAsync(IEnumerable<Notification> notifications, int version, DateTimeOffset realNow, CancellationToken ct = default)
    {
        foreach (var n in notifications)
        {
            var row = new TableEntity(Pending, n.NotificationId)
            {
                ["Version"] = version, ["WrittenAt"] = realNow, ["NextAttemptAt"] = realNow,
                ["Status"] = Kebab.Of(n.Status), ["Template"] = n.Template, ["Attempts"] = n.Attempts,
            };
            await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
        }
    }

    /// <summary>Pointers whose next attempt is due, earliest first; streamed, never all in memory.</summary>
    public async IAsyncEnumerable<OutboxPointer> DueAsync(DateTimeOffset realNow, [EnumeratorCancellation] CancellationToken ct = default)
    {
        // Pointers of the previous release have no NextAttemptAt, only EnqueuedAt (which new pointers never carry): they
        // are due at once, so emails queued before an upgrade still go out.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Pending} and (NextAttemptAt le {realNow} or EnqueuedAt le {realNow})");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 200, cancellationToken: ct)) yield return Read(row);
    }

    /// <summary>
    /// What is left to deliver: the earliest next attempt among pending pointers (null when none is left), and whether
    /// another host is sending one right now (its pointer waits for that host's lease).
    /// </summary>
    public async Task<(DateTimeOffset? Earliest, bool SendingElsewhere)> LeftAsync(CancellationToken ct = default)
    {
        DateTimeOffset? earliest = null;
        var sending = false;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Pending}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["NextAttemptAt", "Status"], cancellationToken: ct))
        {
            if (row.GetString("Status") == Kebab.Of(NotificationStatus.Sending)) sending = true;
            var at = row.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue;
            if (earliest is null || at < earliest) earliest = at;
        }
        return (earliest, sending);
    }

    public Task PostponeAsync(OutboxPointer pointer, DateTimeOffset nextAttemptAt, CancellationToken ct = default) =>
        MergeAsync(new TableEntity(Pending, pointer.NotificationId) { ["NextAttemptAt"] = nextAttemptAt }, ct);

    /// <summary>Moves a pointer's next look, mirroring the notification's status for the retrying view. Lost races are harmless.</summary>
    /// <param name="ours">
    /// True after our own attempt: the pointer is written even if it is gone (a host that lost its claim may have dropped
    /// it), because an undelivered email must keep one. False when we only looked at another host's work: then a missing
    /// pointer means that host finished, and it stays gone.
    /// </param>
    public async Task RescheduleAsync(OutboxPointer pointer, Notification notification, DateTimeOffset nextAttemptAt, bool ours, CancellationToken ct = default)
    {
        var row = new TableEntity(Pending, pointer.NotificationId)
        {
            ["NextAttemptAt"] = nextAttemptAt, ["Status"] = Kebab.Of(notification.Status), ["Attempts"] = notification.Attempts,
            ["LastError"] = notification.LastError, ["Template"] = notification.Template,
            ["Version"] = pointer.Version, ["WrittenAt"] = pointer.EnqueuedAt,
        };
        if (ours) await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct); // all of it: a previous release's row drops its EnqueuedAt
        else await MergeAsync(row, ct);
    }

    private async Task MergeAsync(TableEntity row, CancellationToken ct)
    {
        try
        {
            await Table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // another host finished it meanwhile
        }
    }

    public Task RemoveAsync(OutboxPointer pointer, CancellationToken ct = default) => DeleteAsync(Pending, pointer.NotificationId, ct);

    public async Task MarkFailedAsync(Notification n, DateTimeOffset realNow, CancellationToken ct = default)
    {
        var row = new TableEntity(FailedPartition, n.NotificationId)
        {
            ["JourneyId"] = n.JourneyId, ["Template"] = n.Template, ["Attempts"] = n.Attempts, ["LastError"] = n.LastError, ["FailedAt"] = realNow,
        };
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
    }

    public Task ClearFailedAsync(string notificationId, CancellationToken ct = default) => DeleteAsync(FailedPartition, notificationId, ct);

    /// <summary>One page of the notifications needing attention, across journeys: failed, or retrying.</summary>
    public async Task<(IReadOnlyList<AttentionItem> Items, string? Continuation)> AttentionAsync(
        NotificationStatus status, int pageSize, string? continuation, CancellationToken ct = default)
    {
        var filter = status == NotificationStatus.Failed
            ? TableClient.CreateQueryFilter($"PartitionKey eq {FailedPartition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {Pending} and Status eq {Kebab.Of(NotificationStatus.Retrying)}");
        await foreach (var page in Table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: ct).AsPages(continuation, pageSize))
        {
            return (page.Values.Select(r => new AttentionItem(
                r.RowKey, Notification.Split(r.RowKey).JourneyId, r.GetString("Template"), status, r.GetInt32("Attempts") ?? 0,
                r.GetString("LastError"), r.GetDateTimeOffset("NextAttemptAt"), r.GetDateTimeOffset("FailedAt"))).ToArray(), page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>Every pointer and failure row of one journey (purge).</summary>
    public async Task DeleteJourneyAsync(string journeyId, CancellationToken ct = default)
    {
        foreach (var partition in new[] { Pending, FailedPartition })
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {journeyId + "."} and RowKey lt {journeyId + "/"}");
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            {
                await DeleteAsync(row.PartitionKey, row.RowKey, ct);
            }
        }
    }

    private async Task DeleteAsync(string partition, string rowKey, CancellationToken ct)
    {
        try
        {
            await Table.DeleteEntityAsync(partition, rowKey, ETag.All, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    private static OutboxPointer Read(TableEntity row) => new(
        row.RowKey, row.GetInt32("Version") ?? 0, row.GetDateTimeOffset("WrittenAt") ?? row.GetDateTimeOffset("EnqueuedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue, row);
}
