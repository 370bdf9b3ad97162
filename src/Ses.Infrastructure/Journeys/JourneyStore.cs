using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Journeys;

/// <param name="WakeAt">
/// The earliest wake-up row registered for the journey (<see cref="Timers.WakeUps"/>), <see cref="JourneyRows.NoWakeUp"/>
/// when none is needed, null for a state row written before wake-ups (its timers are stored one row per step).
/// </param>
public sealed record StoredJourney(
    Journey Journey, ETag ETag, string? RequestHash, string? CommitId = null, DateTimeOffset? WakeAt = null, DateTimeOffset? UpdatedAt = null)
{
    /// <summary>The state came from the legacy <c>state</c> row (ADR 007): the next commit moves it to its own key.</summary>
    public bool LegacyState { get; init; }

    /// <summary>The journey holds rows written before ADR 007, whose eventId key rows a commit must also look for.</summary>
    public bool LegacyRows { get; init; }
}

public sealed record HistoryEntry(int Version, string Kind, DateTimeOffset At, JourneyEvent Event);

/// <summary>Another writer changed the journey first; the caller decides again on the fresh state.</summary>
public sealed class ConcurrencyConflictException(Exception inner) : Exception("The journey changed concurrently.", inner)
{
    /// <summary>The attempt's claimed index row was written before the conflict: it is ours, the next attempt goes without it.</summary>
    public bool ClaimWritten { get; init; }
}

/// <summary>The commit's eventId was already used (its key row exists): the caller judges the earlier use.</summary>
public sealed class EventIdUsedException(Exception inner) : Exception("The eventId was already used.", inner);

/// <summary>The journeys table: state with ETag optimistic concurrency, append-only history and outbox rows, one partition each.</summary>
public sealed class JourneyStore(StorageClients storage, JourneyKeyStore keys)
{
    private TableClient Table => storage.Journeys;

    /// <summary>
    /// The journey's state: its own row, or else (404) the legacy <c>state</c> row written before ADR 007. When neither
    /// exists, its own row is read once more: a commit may have moved the legacy row between the two reads (a journey
    /// that does not exist costs three reads; one that does, one, or two while its state row is legacy).
    /// </summary>
    public async Task<StoredJourney?> GetAsync(string journeyId, CancellationToken ct = default)
    {
        var (entity, legacy) = await GetRowAsync(journeyId, JourneyRows.StateKey(journeyId), JourneyRows.LegacyStateKey, ct);
        if (entity is null)
        {
            var moved = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, JourneyRows.StateKey(journeyId), cancellationToken: ct);
            if (!moved.HasValue) return null;
            entity = moved.Value!;
        }
        var journey = await OpenAsync(journeyId, JourneyRows.ReadStateJson(entity), c => JourneyRows.ReadState(entity, c), ct);
        return new StoredJourney(journey, entity.ETag, entity.GetString("RequestHash"), entity.GetString("CommitId"),
            entity.GetDateTimeOffset("WakeAt"), entity.GetDateTimeOffset("UpdatedAt"))
        {
            LegacyState = legacy,
            LegacyRows = legacy || entity.GetBoolean(JourneyRows.LegacyRowsColumn) == true,
        };
    }

    /// <summary>
    /// The fingerprint of the event recorded under <paramref name="eventId"/>, compared exactly; null when unused. Looks
    /// for the key row under its own key, then under the legacy one.
    /// </summary>
    public async Task<string?> EventKeyAsync(string journeyId, string eventId, CancellationToken ct = default)
    {
        var (row, _) = await GetRowAsync(journeyId, JourneyRows.EventKey(journeyId, eventId), JourneyRows.LegacyEventKey(eventId), ct);
        return row is not null && row.GetString("EventId") == eventId ? row.GetString("Fingerprint") : null;
    }

    /// <summary>A row under its own key, or under its legacy key when that is a 404 (ADR 007); null when neither exists.</summary>
    private async Task<(TableEntity? Row, bool Legacy)> GetRowAsync(string journeyId, string rowKey, string legacyKey, CancellationToken ct)
    {
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, rowKey, cancellationToken: ct);
        if (response.HasValue) return (response.Value, false);
        response = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, legacyKey, cancellationToken: ct);
        return response.HasValue ? (response.Value, true) : (null, false);
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
        // In ID order, as before ADR 007: '~' sorts an alert (n-…-000-alert0~id) before its email (n-…-000~id).
        list.Sort((a, b) => string.CompareOrdinal(a.NotificationId, b.NotificationId));
        return list;
    }

    public async Task<(Notification Notification, ETag ETag)?> GetNotificationAsync(string notificationId, CancellationToken ct = default)
    {
        var (journeyId, legacyKey) = Notification.Split(notificationId);
        if (journeyId.Length == 0) return null;
        var (row, _) = await GetRowAsync(journeyId, Notification.RowKeyFor(notificationId), legacyKey, ct);
        return row is null ? null : (Notification.FromEntity(row), row.ETag);
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
        await foreach (var row in Table.QueryAsync<TableEntity>(JourneyRows.StateFilter, select: ["PartitionKey", "Provider", "Version"], cancellationToken: ct))
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
