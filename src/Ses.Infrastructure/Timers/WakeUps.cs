using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Timers;

/// <summary>A wake-up row read from the index: look at <see cref="JourneyId"/> at business time <see cref="FireAt"/>.</summary>
/// <param name="Abandoned">A host claimed it before and did not finish (it died, or lost storage): emails it committed may have no pointer.</param>
public sealed record WakeUp(string JourneyId, DateTimeOffset FireAt, int Version, DateTimeOffset WrittenAt, bool Abandoned, TableEntity Row)
{
    public bool Broken => Row.GetString(Leases.Owner) == TimerIndex.BrokenOwner;
}

/// <summary>
/// One wake-up row per journey (issue 9) instead of one timer row per step: the journey's earliest pending timer step
/// (<see cref="Ses.Domain.Journeys.TimerPlan.Pending"/>), in the index table's partition <c>j</c>, ordered by fire time so
/// that what is due is one range query. RowKeys hold the journey ID, so they are unique across the table. A wake-up is
/// written ahead of the commit that makes it the earliest (stamped with that commit's version, as timer rows were), and
/// moved by the dispatcher after it fires the journey's due steps: the new row and the deletion of the old one go in one
/// transaction, so a journey is never left without one. A row that finds nothing due (its deadline was met) moves on to
/// the journey's real next step. The state row records the earliest wake-up registered (<c>WakeAt</c>), so a decision
/// writes a wake-up only when it brings the next step forward.
/// </summary>
public sealed class WakeUps(StorageClients storage)
{
    public const string Partition = "j";
    public const string Prefix = "w|";
    private TableClient Table => storage.Index;

    private static string TimeKey(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddTHHmmssfff");

    public static string Key(string journeyId, DateTimeOffset fireAt) => $"{Prefix}{TimeKey(fireAt)}|{journeyId}";

    /// <param name="journey">Names the journey's listing row, so a wake-up whose journey never came to be removes it too.</param>
    public static TableEntity Row(string journeyId, DateTimeOffset fireAt, int version, DateTimeOffset realNow, Journey journey) =>
        new(Partition, Key(journeyId, fireAt))
        {
            ["JourneyId"] = journeyId, ["FireAt"] = fireAt.UtcDateTime, ["Version"] = version, ["WrittenAt"] = realNow,
            ["Listing"] = IndexKeys.Listing(journey.Referral.Provider, journeyId),
        };

    /// <summary>Wake-ups due by business time <paramref name="now"/>, earliest first, a page at a time.</summary>
    public async IAsyncEnumerable<WakeUp> DueAsync(DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition} and RowKey ge {Prefix} and RowKey lt {Prefix + TimeKey(now.AddMilliseconds(1))}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 200, cancellationToken: ct)) yield return Read(row);
    }

    /// <summary>The earliest wake-up not parked as broken.</summary>
    public async Task<DateTimeOffset?> EarliestAsync(CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {Prefix} and RowKey lt {"w}"}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 50, select: ["FireAt", Leases.Owner], cancellationToken: ct))
        {
            if (row.GetString(Leases.Owner) != TimerIndex.BrokenOwner) return row.GetDateTimeOffset("FireAt");
        }
        return null;
    }

    /// <summary>
    /// Claims the rows (real-time lease, each row's ETag) in transactions of up to 100; a row another host changed first is
    /// left out. The claimed rows, carrying their new ETags.
    /// </summary>
    public async Task<IReadOnlyList<WakeUp>> ClaimAsync(IReadOnlyList<WakeUp> wakes, DateTimeOffset until, string owner, CancellationToken ct = default)
    {
        var claimed = new List<WakeUp>(wakes.Count);
        foreach (var chunk in wakes.Chunk(100))
        {
            var left = chunk.ToList();
            while (left.Count > 0)
            {
                var actions = left.Select(w => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                    new TableEntity(Partition, w.Row.RowKey) { [Leases.LeaseUntil] = until, [Leases.Owner] = owner }, w.Row.ETag)).ToArray();
                try
                {
                    var responses = await Table.SubmitTransactionAsync(actions, ct);
                    for (var i = 0; i < left.Count; i++)
                    {
                        var row = left[i].Row;
                        row[Leases.LeaseUntil] = until;
                        row[Leases.Owner] = owner;
                        row.ETag = responses.Value[i].Headers.ETag ?? row.ETag;
                        claimed.Add(left[i]);
                    }
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.FailedTransactionActionIndex is { } failed && ex.Status is 404 or 412)
                {
                    // Another host (or this host's other loop) claimed, moved or finished it first, and maybe more of the page:
                    // the rest are claimed one by one rather than one transaction per loss.
                    left.RemoveAt(failed);
                    foreach (var wake in left)
                    {
                        if (await Leases.TryClaimAsync(Table, wake.Row, until, owner, ct) is not null) claimed.Add(wake);
                    }
                    break;
                }
            }
        }
        return claimed;
    }

    /// <summary>Keeps a claimed wake-up for later: a commit not landed yet, or a journey that failed (parked as broken).</summary>
    public Task<TableEntity?> DeferAsync(WakeUp wake, DateTimeOffset until, string owner, string? error, CancellationToken ct = default) =>
        Leases.TryClaimAsync(Table, wake.Row, until, owner, ct, new Dictionary<string, object?> { ["LastError"] = error });

    /// <summary>
    /// What moves a fired wake-up: the journey's next one (if any, and unless it is this very row) and the deletion of this
    /// one, conditional on our claim's ETag, so a row rewritten meanwhile by a newer write-ahead survives.
    /// </summary>
    public static IReadOnlyList<TableTransactionAction> Move(WakeUp fired, TableEntity? next)
    {
        if (next is not null && next.RowKey == fired.Row.RowKey)
        {
            return [new(TableTransactionActionType.UpsertReplace, next)]; // the same step again: a fresh row drops our lease
        }
        var actions = new List<TableTransactionAction>();
        if (next is not null) actions.Add(new(TableTransactionActionType.UpsertReplace, next));
        actions.Add(new(TableTransactionActionType.Delete, new TableEntity(Partition, fired.Row.RowKey), fired.Row.ETag));
        return actions;
    }

    /// <summary>Removes every wake-up of a journey (purge): the state row knows only the earliest, so they are looked up.</summary>
    public async Task DeleteJourneyAsync(string journeyId, CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and RowKey ge {Prefix} and RowKey lt {"w}"} and JourneyId eq {journeyId}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct))
        {
            await Leases.DeleteAsync(Table, row, ct);
        }
    }

    private static WakeUp Read(TableEntity row) => new(
        row.GetString("JourneyId"), row.GetDateTimeOffset("FireAt") ?? default, row.GetInt32("Version") ?? 0,
        row.GetDateTimeOffset("WrittenAt") ?? DateTimeOffset.MinValue,
        row.GetString(Leases.Owner) is { } owner && owner != TimerIndex.BrokenOwner, row);
}
