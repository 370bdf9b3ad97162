using Ses.Domain;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Timers;

public sealed record DueTimer(string JourneyId, DeadlineKind Kind, DateOnly Due, TimerStep Step, DateTimeOffset FireAt, TableEntity Row);

/// <summary>
/// The durable timers table. Partitioned by the UTC hour a timer fires in and ordered by fire time, so due timers are a
/// range query, never a scan of journeys. Keys are deterministic: writing a timer twice is one row. Timers are written
/// before the journey commit that schedules them (write-ahead); a timer whose deadline was never committed, or was met,
/// cancelled or moved since, finds no pending deadline when it fires and does nothing.
/// </summary>
public sealed class TimerIndex(StorageClients storage)
{
    private TableClient Table => storage.Timers;

    public static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH");

    public static string Key(string journeyId, TimerSpec t) =>
        $"{t.FireAt.UtcDateTime:yyyyMMddTHHmmss}-{journeyId}-{Kebab.Of(t.Kind)}-{t.Due:yyyyMMdd}-{Kebab.Of(t.Step)}";

    public async Task ScheduleAsync(string journeyId, IEnumerable<TimerSpec> timers, CancellationToken ct = default)
    {
        foreach (var t in timers)
        {
            var row = new TableEntity(Bucket(t.FireAt), Key(journeyId, t))
            {
                ["JourneyId"] = journeyId,
                ["Kind"] = Kebab.Of(t.Kind),
                ["Due"] = t.Due.ToString("yyyy-MM-dd"),
                ["Step"] = Kebab.Of(t.Step),
                ["FireAt"] = t.FireAt.UtcDateTime,
            };
            await Table.UpsertEntityAsync(row, TableUpdateMode.Merge, ct);
        }
    }

    /// <summary>Due timers (fire time at or before <paramref name="now"/>), earliest first.</summary>
    public async Task<IReadOnlyList<DueTimer>> DueAsync(DateTimeOffset now, int max, CancellationToken ct = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey le {Bucket(now)} and FireAt le {now.UtcDateTime}");
        var due = new List<DueTimer>();
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: ct))
        {
            if (Leases.IsFree(row, now)) due.Add(Read(row));
            if (due.Count >= max) break;
        }
        return due;
    }

    /// <summary>The earliest timer of all, for stepping the virtual clock through time in order.</summary>
    public async Task<DateTimeOffset?> EarliestAsync(CancellationToken ct = default)
    {
        await foreach (var row in Table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["FireAt"], cancellationToken: ct))
        {
            return row.GetDateTimeOffset("FireAt");
        }
        return null;
    }

    public Task<TableEntity?> ClaimAsync(DueTimer timer, DateTimeOffset now, TimeSpan lease, CancellationToken ct = default) =>
        Leases.TryClaimAsync(Table, timer.Row, now, lease, ct);

    public Task CompleteAsync(DueTimer timer, CancellationToken ct = default) => Leases.DeleteAsync(Table, timer.Row, ct);

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
            row.GetDateTimeOffset("FireAt") ?? default, row);
    }
}
