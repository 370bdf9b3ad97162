using Azure;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;

namespace Ses.Journeys;

/// <summary>
/// Writes a step to the product's own rows: the journeys table (state, history, emails, the eventId's key row and the
/// reply, one entity group transaction when they fit, ADR 009) and then the index (listing and, with the virtual clock,
/// the wake-up row). Idempotent, because activities run at least once: history and email rows are inserts, so a step
/// that landed before makes the same writes conflict, and the state row then shows its version.
/// </summary>
public sealed class StepStore(StorageClients storage, JourneyStore store, JourneyKeyStore keys, EmailComposer composer)
{
    private const int MaxActions = 100; // Table Storage's entity group transaction limit
    private TableClient Journeys => storage.Journeys;

    public static string ReplyKey(string journeyId, string requestId) => JourneyRows.Own($"r-{requestId}", journeyId);

    /// <summary>The wake-up row of the virtual clock: its time first, so a clock move reads exactly the journeys due.</summary>
    public static string WakeKey(DateTimeOffset at, string journeyId) => $"{WakePrefix}{at.UtcDateTime:yyyyMMddTHHmmssfffZ}|{journeyId}";
    public const string WakePrefix = "v|";

    public async Task<CommitResult> CommitAsync(JourneyCommit commit, CancellationToken ct = default)
    {
        var id = commit.JourneyId;
        if (commit.Decisions.Count == 0)
        {
            // A refused event with an eventId: if that eventId was used, the step is decided again knowing it.
            if (commit.EventId is { } probe && await store.EventKeyAsync(id, probe, ct) is { } used) return new CommitResult(id, false, used, []);
            if (commit.Reply is { } only) await WriteReplyAsync(id, only, ct);
            return new CommitResult(id, true, null, []);
        }
        var after = commit.After ?? throw new ArgumentException("A commit with decisions has the journey after them.", nameof(commit));
        var cipher = new JourneyCipher(id, await keys.FindAsync(id, ct) ?? throw new PersonalDataUnreadableException(id));
        var notifications = Compose(commit);
        var rows = new List<TableTransactionAction>();
        foreach (var d in commit.Decisions)
        {
            rows.AddRange(d.Events.Select((e, i) => new TableTransactionAction(
                TableTransactionActionType.Add, JourneyRows.History(id, d.Version, i, e, d.At, cipher))));
        }
        var firstNotification = rows.Count;
        rows.AddRange(notifications.Select(n => new TableTransactionAction(TableTransactionActionType.Add, n.ToEntity())));
        var tail = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpsertReplace, JourneyRows.State(after, commit.RequestHash, commit.At, cipher)),
        };
        if (commit.EventId is { } eventId)
        {
            tail.Add(new(TableTransactionActionType.Add, JourneyRows.EventKeyRow(id, eventId, commit.Fingerprint!, after.Version, commit.At)));
        }
        if (commit.Reply is { } reply) tail.Add(new(TableTransactionActionType.UpsertReplace, ReplyRow(id, reply)));

        var etags = new ETag?[rows.Count];
        var landed = false;
        var lastRows = Math.Min(rows.Count, MaxActions - tail.Count);
        for (var start = 0; start < rows.Count - lastRows; start += MaxActions)
        {
            var chunk = rows.Skip(start).Take(Math.Min(MaxActions, rows.Count - lastRows - start)).ToList();
            if (await SubmitAsync(chunk, ct) is { } written) written.CopyTo(etags, start);
        }
        var final = rows.Skip(rows.Count - lastRows).Concat(tail).ToList();
        try
        {
            var written = (await Journeys.SubmitTransactionAsync(final, ct)).Value;
            for (var i = 0; i < lastRows; i++) etags[rows.Count - lastRows + i] = written[i].Headers.ETag;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            if (await store.GetAsync(id, ct) is { } stored && stored.Journey.Version >= after.Version) landed = true; // a re-run: it landed before
            else if (commit.EventId is { } used && await store.EventKeyAsync(id, used, ct) is { } fingerprint)
            {
                return new CommitResult(id, false, fingerprint, []);
            }
            else throw;
        }
        await IndexAsync(commit, after, ct);
        var deliveries = notifications.Select((n, i) => new Delivery(n, landed ? null : etags[firstNotification + i]?.ToString(), DateTimeOffset.MinValue)).ToArray();
        return new CommitResult(id, true, null, deliveries);
    }

    /// <summary>Each email composed against the journey as its own decision left it.</summary>
    private List<Notification> Compose(JourneyCommit commit)
    {
        var list = new List<Notification>();
        var state = commit.Before;
        foreach (var d in commit.Decisions)
        {
            state = JourneyEvolver.Fold(d.Events, state)! with { Version = d.Version };
            var requests = d.Events.OfType<NotificationRequested>().ToArray();
            for (var i = 0; i < requests.Length; i++) list.Add(composer.Compose(state, requests[i], d.Version, i, d.At, d.Events));
        }
        return list;
    }

    /// <summary>A chunk before the last: written, or (a re-run) written before, which makes its inserts conflict.</summary>
    private async Task<ETag?[]?> SubmitAsync(List<TableTransactionAction> chunk, CancellationToken ct)
    {
        try
        {
            return (await Journeys.SubmitTransactionAsync(chunk, ct)).Value.Select(r => r.Headers.ETag).ToArray();
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return null;
        }
    }

    /// <summary>
    /// The listing and its next-due rows when what it shows changed (the next-due rows moved when its next due did), and
    /// the wake-up row when it moved: one transaction in the index partition. Run again after a crash, a row the first run
    /// deleted is left out and the rest written again.
    /// </summary>
    private async Task IndexAsync(JourneyCommit commit, Journey after, CancellationToken ct)
    {
        var actions = new List<TableTransactionAction>();
        static JourneyListing Shown(Journey j, DateTimeOffset at) => JourneyListing.From(j, at) with { Version = 0, UpdatedAt = default };
        if (commit.Before is null || Shown(commit.Before, commit.At) != Shown(after, commit.At))
        {
            var listing = JourneyListing.From(after, commit.At);
            actions.AddRange(listing.ToEntities().Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row)));
            if (commit.Before is { } before)
            {
                actions.AddRange(JourneyListing.From(before, commit.At).DueKeys().Except(listing.DueKeys()).Select(key =>
                    new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(IndexKeys.Partition, key), ETag.All)));
            }
        }
        if (commit.WakeIndex && commit.OldWakeAt != commit.NewWakeAt)
        {
            if (commit.OldWakeAt is { } old)
            {
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(IndexKeys.Partition, WakeKey(old, commit.JourneyId)), ETag.All));
            }
            if (commit.NewWakeAt is { } wake)
            {
                actions.Add(new(TableTransactionActionType.UpsertReplace,
                    new TableEntity(IndexKeys.Partition, WakeKey(wake, commit.JourneyId)) { ["JourneyId"] = commit.JourneyId, ["WakeAt"] = wake }));
            }
        }
        while (actions.Count > 0)
        {
            try
            {
                await storage.Index.SubmitTransactionAsync(actions, ct);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404 && actions.Any(a => a.ActionType == TableTransactionActionType.Delete))
            {
                // A re-run: what the first run deleted is gone. The failed action when the answer names it, else every delete.
                if (ex.FailedTransactionActionIndex is int i && i < actions.Count && actions[i].ActionType == TableTransactionActionType.Delete) actions.RemoveAt(i);
                else actions.RemoveAll(a => a.ActionType == TableTransactionActionType.Delete);
            }
        }
    }

    public async Task WriteReplyAsync(string journeyId, StepReply reply, CancellationToken ct = default) =>
        await Journeys.UpsertEntityAsync(ReplyRow(journeyId, reply), TableUpdateMode.Replace, ct);

    /// <summary>The reply to a request, once the orchestration has written it; null until then.</summary>
    public async Task<StepReply?> ReplyAsync(string journeyId, string requestId, CancellationToken ct = default)
    {
        var row = await Journeys.GetEntityIfExistsAsync<TableEntity>(journeyId, ReplyKey(journeyId, requestId), cancellationToken: ct);
        return row.HasValue ? Json.Deserialize<StepReply>(row.Value!.GetString("Reply")) : null;
    }

    private static TableEntity ReplyRow(string journeyId, StepReply reply) => new(journeyId, ReplyKey(journeyId, reply.RequestId))
    {
        ["Outcome"] = Ses.Domain.Kebab.Of(reply.Outcome), ["Version"] = reply.Version, ["Reply"] = Json.Serialize(reply),
    };

    /// <summary>The wake-ups due by <paramref name="until"/>, earliest first: the journeys a virtual clock move must wake.</summary>
    public async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset until, CancellationToken ct = default)
    {
        var to = WakeKey(until, "~"); // '~' sorts after every journey ID character
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexKeys.Partition} and RowKey ge {WakePrefix} and RowKey le {to}");
        var due = new List<string>();
        await foreach (var row in storage.Index.QueryAsync<TableEntity>(filter, select: ["JourneyId"], cancellationToken: ct))
        {
            due.Add(row.GetString("JourneyId"));
        }
        return due.Distinct(StringComparer.Ordinal).ToArray();
    }
}
