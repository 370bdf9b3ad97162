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

    /// <summary>Written by a release before issue 9, in the outbox table's <c>pending</c> partition.</summary>
    public bool Legacy => Row.PartitionKey == OutboxIndex.LegacyPending;
}

/// <summary>A notification that needs an operator: failed for good, or retrying (GET /api/notifications).</summary>
public sealed record AttentionItem(
    string NotificationId, string JourneyId, string Template, NotificationStatus Status, int Attempts, string? LastError,
    DateTimeOffset? NextAttemptAt, DateTimeOffset? FailedAt);

/// <summary>
/// The index the sender works from, so it never scans journeys. Each notification still to deliver has one pointer with
/// the real time of its next attempt: in the index table's partition <c>j</c> (RowKey <c>o|{notificationId}</c>, issue 9),
/// beside the journey's wake-up and listing rows, so a decision writes its pointers in the same transaction as those.
/// Pointers of earlier releases, in the outbox table's <c>pending</c> partition, are still delivered; one that is tried
/// again moves to the index. Partition <c>failed</c> of the outbox table lists the notifications that gave up, for the
/// operators' failures view. Pointers are written before the journey commit (write-ahead), or, for a notification its
/// committing host claims and sends at once, after it (the journey's wake-up row covers the gap): one whose notification
/// was never committed is dropped once the journey has moved past its version, or after the grace period.
/// </summary>
public sealed class OutboxIndex(StorageClients storage, GroupCommit group)
{
    public const string LegacyPending = "pending";
    public const string Partition = "j";
    public const string Prefix = "o|";
    private const string FailedPartition = "failed";
    private TableClient Table => storage.Outbox;
    private TableClient Index => storage.Index;

    public static string Key(string notificationId) => Prefix + notificationId;

    /// <summary>A pointer row to write ahead of (or, for a notification claimed by its committer, just after) the commit.</summary>
    public static TableEntity PointerRow(Notification n, int version, DateTimeOffset realNow, DateTimeOffset nextAttemptAt) =>
        new(Partition, Key(n.NotificationId))
        {
            ["NotificationId"] = n.NotificationId, ["Version"] = version, ["WrittenAt"] = realNow, ["NextAttemptAt"] = nextAttemptAt,
            ["Status"] = Kebab.Of(n.Status), ["Template"] = n.Template, ["Attempts"] = n.Attempts,
        };

    public async Task EnqueueAsync(IEnumerable<Notification> notifications, int version, DateTimeOffset realNow, CancellationToken ct = default)
    {
        foreach (var n in notifications) await Index.UpsertEntityAsync(PointerRow(n, version, realNow, realNow), TableUpdateMode.Replace, ct);
    }

    /// <summary>Pointers whose next attempt is due, earliest written first within each store; streamed, never all in memory.</summary>
    public async IAsyncEnumerable<OutboxPointer> DueAsync(DateTimeOffset realNow, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition} and RowKey ge {Prefix} and RowKey lt {"o}"} and NextAttemptAt le {realNow}");
        await foreach (var row in Index.QueryAsync<TableEntity>(filter, maxPerPage: 200, cancellationToken: ct)) yield return Read(row);
        // Pointers of the release before NextAttemptAt have only EnqueuedAt: they are due at once, so emails queued before an
        // upgrade still go out.
        var legacy = TableClient.CreateQueryFilter($"PartitionKey eq {LegacyPending} and (NextAttemptAt le {realNow} or EnqueuedAt le {realNow})");
        await foreach (var row in Table.QueryAsync<TableEntity>(legacy, maxPerPage: 200, cancellationToken: ct)) yield return Read(row);
    }

    /// <summary>
    /// What is left to deliver: the earliest next attempt among pending pointers (null when none is left), and whether
    /// another host is sending one right now (its pointer waits for that host's lease).
    /// </summary>
    public async Task<(DateTimeOffset? Earliest, bool SendingElsewhere)> LeftAsync(CancellationToken ct = default)
    {
        DateTimeOffset? earliest = null;
        var sending = false;
        var pointers = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {Prefix} and RowKey lt {"o}"}");
        var legacy = TableClient.CreateQueryFilter($"PartitionKey eq {LegacyPending}");
        foreach (var (table, filter) in new[] { (Index, pointers), (Table, legacy) })
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["NextAttemptAt", "Status"], cancellationToken: ct))
            {
                if (row.GetString("Status") == Kebab.Of(NotificationStatus.Sending)) sending = true;
                var at = row.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue;
                if (earliest is null || at < earliest) earliest = at;
            }
        }
        return (earliest, sending);
    }

    public Task PostponeAsync(OutboxPointer pointer, DateTimeOffset nextAttemptAt, CancellationToken ct = default) =>
        MergeAsync(pointer, new TableEntity(pointer.Row.PartitionKey, pointer.Row.RowKey) { ["NextAttemptAt"] = nextAttemptAt }, ct);

    /// <summary>Moves a pointer's next look, mirroring the notification's status for the retrying view. Lost races are harmless.</summary>
    /// <param name="ours">
    /// True after our own attempt: the pointer is written even if it is gone (a host that lost its claim may have dropped
    /// it), because an undelivered email must keep one. False when we only looked at another host's work: then a missing
    /// pointer means that host finished, and it stays gone.
    /// </param>
    public async Task RescheduleAsync(OutboxPointer pointer, Notification notification, DateTimeOffset nextAttemptAt, bool ours, CancellationToken ct = default)
    {
        var row = PointerRow(notification, pointer.Version, pointer.EnqueuedAt, nextAttemptAt);
        row["LastError"] = notification.LastError;
        if (ours)
        {
            // All of it, in the index: a pointer of an earlier release moves there (and drops its EnqueuedAt).
            await Index.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
            if (pointer.Legacy) await DeleteAsync(Table, LegacyPending, pointer.NotificationId, ct);
        }
        else
        {
            row.PartitionKey = pointer.Row.PartitionKey;
            row.RowKey = pointer.Row.RowKey;
            row.Remove("NotificationId");
            await MergeAsync(pointer, row, ct);
        }
    }

    private async Task MergeAsync(OutboxPointer pointer, TableEntity row, CancellationToken ct)
    {
        try
        {
            await TableOf(pointer).UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // another host finished it meanwhile
        }
    }

    /// <summary>Drops a pointer; in the index, together with other hosts' and journeys' removals (one round trip for many).</summary>
    public async Task RemoveAsync(OutboxPointer pointer, CancellationToken ct = default)
    {
        if (pointer.Legacy)
        {
            await DeleteAsync(Table, pointer.Row.PartitionKey, pointer.Row.RowKey, ct);
            return;
        }
        try
        {
            await group.SubmitAsync([new(TableTransactionActionType.Delete, new TableEntity(Partition, pointer.Row.RowKey), ETag.All)], ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // already gone: another host finished it
        }
    }

    /// <summary>The pointer of a notification this host committed and claimed itself, written ahead with it or just after.</summary>
    public static OutboxPointer Own(Notification n, int version, DateTimeOffset writtenAt) =>
        new(n.NotificationId, version, writtenAt, n.LeaseUntil ?? writtenAt, new TableEntity(Partition, Key(n.NotificationId)));

    private TableClient TableOf(OutboxPointer pointer) => pointer.Legacy ? Table : Index;

    public async Task MarkFailedAsync(Notification n, DateTimeOffset realNow, CancellationToken ct = default)
    {
        var row = new TableEntity(FailedPartition, n.NotificationId)
        {
            ["JourneyId"] = n.JourneyId, ["Template"] = n.Template, ["Attempts"] = n.Attempts, ["LastError"] = n.LastError, ["FailedAt"] = realNow,
        };
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
    }

    public Task ClearFailedAsync(string notificationId, CancellationToken ct = default) => DeleteAsync(Table, FailedPartition, notificationId, ct);

    /// <summary>
    /// One page of the notifications needing attention, across journeys: failed, or retrying. Retrying ones are read from
    /// the index first, then from an earlier release's pointers; the continuation says which.
    /// </summary>
    public async Task<(IReadOnlyList<AttentionItem> Items, string? Continuation)> AttentionAsync(
        NotificationStatus status, int pageSize, string? continuation, CancellationToken ct = default)
    {
        if (status == NotificationStatus.Failed)
        {
            var (failed, token) = await PageAsync(Table, TableClient.CreateQueryFilter($"PartitionKey eq {FailedPartition}"), status, pageSize, continuation, ct);
            return (failed, token);
        }
        var retrying = Kebab.Of(NotificationStatus.Retrying);
        var legacy = TableClient.CreateQueryFilter($"PartitionKey eq {LegacyPending} and Status eq {retrying}");
        if (continuation?.StartsWith("l:", StringComparison.Ordinal) == true)
        {
            var (older, token) = await PageAsync(Table, legacy, status, pageSize, continuation[2..], ct);
            return (older, token is null ? null : "l:" + token);
        }
        var current = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {Prefix} and RowKey lt {"o}"} and Status eq {retrying}");
        var (items, next) = await PageAsync(Index, current, status, pageSize, continuation?[2..], ct);
        if (next is not null) return (items, "i:" + next);
        if (items.Count >= pageSize) return (items, "l:");
        var (rest, restToken) = await PageAsync(Table, legacy, status, pageSize - items.Count, null, ct);
        return ([.. items, .. rest], restToken is null ? null : "l:" + restToken);
    }

    private static async Task<(IReadOnlyList<AttentionItem> Items, string? Continuation)> PageAsync(
        TableClient table, string filter, NotificationStatus status, int pageSize, string? continuation, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(continuation)) continuation = null;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: ct).AsPages(continuation, pageSize))
        {
            return (page.Values.Select(r =>
            {
                var id = r.GetString("NotificationId") ?? r.RowKey;
                return new AttentionItem(id, Notification.Split(id).JourneyId, r.GetString("Template"), status, r.GetInt32("Attempts") ?? 0,
                    r.GetString("LastError"), r.GetDateTimeOffset("NextAttemptAt"), r.GetDateTimeOffset("FailedAt"));
            }).ToArray(), page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>Every pointer and failure row of one journey (purge).</summary>
    public async Task DeleteJourneyAsync(string journeyId, CancellationToken ct = default)
    {
        var (from, to) = (journeyId + ".", journeyId + "/");
        var places = new[]
        {
            (Index, TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {Prefix + from} and RowKey lt {Prefix + to}")),
            (Table, TableClient.CreateQueryFilter($"PartitionKey eq {LegacyPending} and RowKey ge {from} and RowKey lt {to}")),
            (Table, TableClient.CreateQueryFilter($"PartitionKey eq {FailedPartition} and RowKey ge {from} and RowKey lt {to}")),
        };
        foreach (var (table, filter) in places)
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
            {
                await DeleteAsync(table, row.PartitionKey, row.RowKey, ct);
            }
        }
    }

    private static Task DeleteAsync(TableClient table, string partition, string rowKey, CancellationToken ct) =>
        Leases.DeleteAsync(table, new TableEntity(partition, rowKey), ct);

    private static OutboxPointer Read(TableEntity row) => new(
        row.GetString("NotificationId") ?? row.RowKey, row.GetInt32("Version") ?? 0,
        row.GetDateTimeOffset("WrittenAt") ?? row.GetDateTimeOffset("EnqueuedAt") ?? DateTimeOffset.MinValue,
        row.GetDateTimeOffset("NextAttemptAt") ?? DateTimeOffset.MinValue, row);
}
