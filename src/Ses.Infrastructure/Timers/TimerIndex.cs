using Ses.Domain;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Timers;

/// <summary>A timer row read from the index. <see cref="Version"/> is the journey version whose commit scheduled it.</summary>
public sealed record DueTimer(
    string JourneyId, DeadlineKind Kind, DateOnly Due, TimerStep Step, DateTimeOffset FireAt, int Version, DateTimeOffset WrittenAt, TableEntity Row)
{
    public bool Broken => Row.GetString(Leases.Owner) == TimerIndex.BrokenOwner;
}

/// <summary>
/// The per-step timers table of the release before issue 9, still read and fired so that timers written before the
/// upgrade go off (journeys now keep one wake-up row each, <see cref="WakeUps"/>, ADR 008); <see cref="ScheduleAsync"/>
/// writes rows in that format for the compatibility tests. Partitioned by the UTC hour a timer fires in and ordered by fire time, so due timers are a
/// range query, never a scan of journeys. Keys are deterministic: writing a timer twice is one row. Timers are written
/// before the journey commit that schedules them (write-ahead), carrying that commit's version: a dispatcher that finds
/// the journey below it leaves the timer for later (ADR 001). A timer whose deadline was met, cancelled or moved finds
/// no pending deadline when it fires and does nothing.
/// </summary>
public sealed class TimerIndex(StorageClients storage)
{
    public const string BrokenOwner = "broken";
    private TableClient Table => storage.Timers;

    public static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH");

    public static string Key(string journeyId, TimerSpec t) =>
        $"{t.FireAt.UtcDateTime:yyyyMMddTHHmmss}-{journeyId}-{Kebab.Of(t.Kind)}-{t.Due:yyyyMMdd}-{Kebab.Of(t.Step)}";

    public async Task ScheduleAsync(string journeyId, int version, IEnumerable<TimerSpec> timers, DateTimeOffset realNow, CancellationToken ct = default)
    {
        foreach (var t in timers)
        {
            // Replace, not merge: a rewrite drops any lease, so the row is fired again after this commit lands.
            var row = new TableEntity(Bucket(t.FireAt), Key(journeyId, t))
            {
                ["JourneyId"] = journeyId,
                ["Kind"] = Kebab.Of(t.Kind),
                ["Due"] = t.Due.ToString("yyyy-MM-dd"),
                ["Step"] = Kebab.Of(t.Step),
                ["FireAt"] = t.FireAt.UtcDateTime,
                ["Version"] = version,
                ["WrittenAt"] = realNow,
            };
            await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, ct);
        }
    }

    /// <summary>
    /// Timers due by business time <paramref name="now"/>, earliest first, streamed a page at a time. Leased ones are
    /// included: the caller tells its own claims from other hosts' by <see cref="Leases.IsFree"/> on the real clock.
    /// </summary>
    public async IAsyncEnumerable<DueTimer> DueAsync(DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {Bucket(now)} and FireAt le {now.UtcDateTime}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: 200, cancellationToken: ct)) yield return Read(row);
    }

    /// <summary>The earliest timer that is not parked as broken, for stepping the virtual clock through time in order.</summary>
    public async Task<DateTimeOffset?> EarliestAsync(CancellationToken ct = default)
    {
        await foreach (var row in Table.QueryAsync<TableEntity>(maxPerPage: 50, select: ["FireAt", Leases.Owner], cancellationToken: ct))
        {
            if (row.GetString(Leases.Owner) != BrokenOwner) return row.GetDateTimeOffset("FireAt");
        }
        return null;
    }

    public Task<TableEntity?> ClaimAsync(DueTimer timer, DateTimeOffset until, string owner, CancellationToken ct = default) =>
        Leases.TryClaimAsync(Table, timer.Row, until, owner, ct);

    /// <summary>Keeps a claimed timer for later: a commit not landed yet, or a journey that failed (parked as broken).</summary>
    public Task<TableEntity?> DeferAsync(DueTimer timer, DateTimeOffset until, string owner, string? error, CancellationToken ct = default) =>
        Leases.TryClaimAsync(Table, timer.Row, until, owner, ct, new Dictionary<string, object?> { ["LastError"] = error });

    /// <summary>Removes a fired timer, unless a newer write-ahead rewrote it meanwhile.</summary>
    public Task CompleteAsync(DueTimer timer, CancellationToken ct = default) => Leases.DeleteIfUnchangedAsync(Table, timer.Row, ct);

    /// <summary>Removes a journey's timers for purge: their keys follow from its deadlines.</summary>
    public async Task DeleteAsync(string journeyId, IEnumerable<TimerSpec> timers, CancellationToken ct = default)
    {
        foreach (var t in timers)
        {
            await Leases.DeleteAsync(Table, new TableEntity(Bucket(t.FireAt), Key(journeyId, t)), ct);
        }
    }

    private static DueTimer Read(TableEntity row)
    {
        Kebab.TryParse<DeadlineKind>(row.GetString("Kind"), out var kind);
        Kebab.TryParse<TimerStep>(row.GetString("Step"), out var step);
        return new DueTimer(row.GetString("JourneyId"), kind, DateOnly.ParseExact(row.GetString("Due"), "yyyy-MM-dd"), step,
            row.GetDateTimeOffset("FireAt") ?? default, row.GetInt32("Version") ?? 0, row.GetDateTimeOffset("WrittenAt") ?? DateTimeOffset.MinValue, row);
    }
}
