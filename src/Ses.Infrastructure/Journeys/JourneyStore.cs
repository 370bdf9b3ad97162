using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Journeys;

public sealed record StoredJourney(Journey Journey, ETag ETag, string? RequestHash, string? CommitId = null);

public sealed record HistoryEntry(int Version, string Kind, DateTimeOffset At, JourneyEvent Event);

/// <summary>Another writer changed the journey first; the caller decides again on the fresh state.</summary>
public sealed class ConcurrencyConflictException(Exception inner) : Exception("The journey changed concurrently.", inner);

/// <summary>The commit's eventId was already used (its key row exists): the caller judges the earlier use.</summary>
public sealed class EventIdUsedException(Exception inner) : Exception("The eventId was already used.", inner);

/// <summary>The journeys table: state with ETag optimistic concurrency, append-only history and outbox rows, one partition each.</summary>
public sealed class JourneyStore(StorageClients storage, JourneyKeyStore keys)
{
    private TableClient Table => storage.Journeys;

    public async Task<StoredJourney?> GetAsync(string journeyId, CancellationToken ct = default)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, JourneyRows.StateKey, cancellationToken: ct);
        if (!response.HasValue) return null;
        var entity = response.Value!;
        var journey = await OpenAsync(journeyId, JourneyRows.ReadStateJson(entity), c => JourneyRows.ReadState(entity, c), ct);
        return new StoredJourney(journey, entity.ETag, entity.GetString("RequestHash"), entity.GetString("CommitId"));
    }

    /// <summary>The fingerprint of the event recorded under <paramref name="eventId"/>, compared exactly; null when unused.</summary>
    public async Task<string?> EventKeyAsync(string journeyId, string eventId, CancellationToken ct = default)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, JourneyRows.EventKey(eventId), cancellationToken: ct);
        return response.HasValue && response.Value!.GetString("EventId") == eventId ? response.Value.GetString("Fingerprint") : null;
    }

    /// <summary>
    /// Commits the new state, its history rows, its outbox rows and the eventId's key row as one entity group transaction:
    /// either all are written or none. A new journey is an insert (a second insert conflicts); an existing one is replaced
    /// only if its ETag is unchanged; a used eventId makes the key row's insert, and so the whole commit, fail.
    /// </summary>
    public async Task CommitAsync(StoredJourney? before, Journey after, Commit commit, CancellationToken ct = default)
    {
        // The key row is written first, in its own table (ADR 005); a commit that then fails leaves only an unused key.
        var cipher = new JourneyCipher(after.JourneyId, await keys.GetOrCreateAsync(after.JourneyId, fresh: before is null, ct));
        var state = JourneyRows.State(after, commit.RequestHash ?? before?.RequestHash, commit.At, cipher);
        state["CommitId"] = commit.CommitId;
        var actions = new List<TableTransactionAction>
        {
            before is null
                ? new(TableTransactionActionType.Add, state)
                : new(TableTransactionActionType.UpdateReplace, state, before.ETag),
        };
        var keyIndex = -1;
        if (commit.EventId is { } eventId)
        {
            keyIndex = actions.Count;
            actions.Add(new(TableTransactionActionType.Add, JourneyRows.EventKeyRow(after.JourneyId, eventId, commit.Fingerprint!, after.Version, commit.At)));
        }
        actions.AddRange(commit.Events.Select((e, i) =>
            new TableTransactionAction(TableTransactionActionType.Add, JourneyRows.History(after.JourneyId, after.Version, i, e, commit.At, cipher))));
        actions.AddRange(commit.Notifications.Select(n => new TableTransactionAction(TableTransactionActionType.Add, n.ToEntity())));
        try
        {
            await Table.SubmitTransactionAsync(actions, ct);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 && ex.FailedTransactionActionIndex == keyIndex && keyIndex > 0)
        {
            throw new EventIdUsedException(ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new ConcurrencyConflictException(ex);
        }
    }

    public async IAsyncEnumerable<HistoryEntry> HistoryAsync(string journeyId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var row in Table.QueryAsync<TableEntity>(HistoryFilter(journeyId), cancellationToken: ct)) yield return await ReadHistoryAsync(row, ct);
    }

    /// <summary>One page of the history, in order: a journey's history grows without bound, its pages do not.</summary>
    public async Task<(IReadOnlyList<HistoryEntry> Entries, string? Continuation)> HistoryPageAsync(
        string journeyId, int pageSize, string? continuation, CancellationToken ct = default)
    {
        await foreach (var page in Table.QueryAsync<TableEntity>(HistoryFilter(journeyId), pageSize, cancellationToken: ct).AsPages(continuation, pageSize))
        {
            var entries = new List<HistoryEntry>(page.Values.Count);
            foreach (var row in page.Values) entries.Add(await ReadHistoryAsync(row, ct));
            return (entries, page.ContinuationToken);
        }
        return ([], null);
    }

    private static string HistoryFilter(string journeyId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {journeyId} and RowKey ge {JourneyRows.HistoryPrefix} and RowKey lt {"h."}");

    private async Task<HistoryEntry> ReadHistoryAsync(TableEntity row, CancellationToken ct) => new(
        row.GetInt32("Version") ?? 0, row.GetString("Kind"), row.GetDateTimeOffset("At") ?? default,
        await OpenAsync(row.PartitionKey, row.GetString("Data"), c => JourneyRows.ReadHistory(row, c), ct));

    /// <summary>
    /// Reads a row with the journey's data key, fetched only when the row holds sealed fields (rows written before
    /// encryption hold none). A key that does not open them is re-read once: another host may have purged the journey
    /// and a new referral of the same ID made a new key.
    /// </summary>
    private async Task<T> OpenAsync<T>(string journeyId, string? json, Func<JourneyCipher, T> read, CancellationToken ct)
    {
        if (!JourneyCipher.Holds(json)) return read(new JourneyCipher(journeyId, null));
        try
        {
            return read(new JourneyCipher(journeyId, await keys.FindAsync(journeyId, ct)));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            keys.Forget(journeyId);
        }
        try
        {
            return read(new JourneyCipher(journeyId, await keys.FindAsync(journeyId, ct)));
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new PersonalDataUnreadableException(journeyId, ex);
        }
    }

    public async Task<IReadOnlyList<Notification>> NotificationsAsync(string journeyId, CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {journeyId} and RowKey ge {JourneyRows.NotificationPrefix} and RowKey lt {"n."}");
        var list = new List<Notification>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: ct)) list.Add(Notification.FromEntity(row));
        return list;
    }

    public async Task<(Notification Notification, ETag ETag)?> GetNotificationAsync(string notificationId, CancellationToken ct = default)
    {
        var (journeyId, rowKey) = Notification.Split(notificationId);
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, rowKey, cancellationToken: ct);
        return response.HasValue ? (Notification.FromEntity(response.Value!), response.Value!.ETag) : null;
    }

    /// <summary>Replaces a notification row if it is unchanged since <paramref name="etag"/>; the new ETag, or null when another host changed it first.</summary>
    public async Task<ETag?> UpdateNotificationAsync(Notification notification, ETag etag, CancellationToken ct = default)
    {
        try
        {
            var response = await Table.UpdateEntityAsync(notification.ToEntity(), etag, TableUpdateMode.Replace, ct);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>Marks a notification failed and adds the alert about it, both or neither; false when another host changed it first.</summary>
    public async Task<bool> FailWithAlertAsync(Notification failed, ETag etag, Notification? alert, CancellationToken ct = default)
    {
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, failed.ToEntity(), etag) };
        if (alert is not null) actions.Add(new(TableTransactionActionType.Add, alert.ToEntity()));
        try
        {
            await Table.SubmitTransactionAsync(actions, ct);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Every journey's ID, provider and version from the readable columns of its state row, without opening it: a scan of
    /// the whole table, for rebuilding the listings (<see cref="JourneyIndex"/>).
    /// </summary>
    public async IAsyncEnumerable<(string JourneyId, string? Provider, int Version)> StatesAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"RowKey eq {JourneyRows.StateKey}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "Provider", "Version"], cancellationToken: ct))
        {
            yield return (row.PartitionKey, row.GetString("Provider"), row.GetInt32("Version") ?? 0);
        }
    }

    /// <summary>Deletes every row of the journey's partition: state, history and outbox (SPEC 6: purge removes everything).</summary>
    public async Task PurgePartitionAsync(string journeyId, CancellationToken ct = default)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {journeyId}"), select: ["PartitionKey", "RowKey"], cancellationToken: ct))
        {
            rows.Add(row);
        }
        foreach (var batch in rows.Chunk(100))
        {
            await Table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), ct);
        }
    }
}
