using Ses.Domain;
using Azure.Data.Tables;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Journeys;

/// <summary>
/// Row layout of the journeys table. One partition per journey holds its state row, its history rows and its outbox rows,
/// so a decision commits as one entity group transaction (all or nothing). Readable columns let an operator browse it
/// in Storage Explorer: phase, next deadline, referral ID. The claimant's personal data inside the JSON columns is sealed
/// field by field with the journey's data key (<see cref="JourneyCipher"/>, ADR 005); rows written before that hold plain
/// JSON and still load.
/// <para>
/// Every row key ends with <c>~{journeyId}</c> (ADR 007): row keys repeated in every partition make Azurite's point reads
/// and writes slow down with the number of journeys. A journey ID is letters, digits and hyphens (at most 64), so the
/// suffix never holds '~' twice and keeps keys far below the 1 KiB limit; '~' sorts after every character of the legacy
/// keys' tails, so a prefix range (<c>h-</c> to <c>h.</c>) still selects history in version order, legacy rows (written
/// before, with no suffix, still read) and new rows alike: a legacy row and a new row never share a version.
/// </para>
/// </summary>
public static class JourneyRows
{
    /// <summary>The state row's key before ADR 007, the same in every partition: still read, replaced by the next commit.</summary>
    public const string LegacyStateKey = "state";
    public const string HistoryPrefix = "h-";
    public const string NotificationPrefix = "n-";
    public const string EventKeyPrefix = "k-";
    /// <summary>The state row's <c>WakeAt</c> when no timer step is pending (the journey needs no wake-up).</summary>
    public static readonly DateTimeOffset NoWakeUp = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
    /// <summary>Marks a new state row whose journey still holds rows written before ADR 007 (legacy eventId key rows above all).</summary>
    public const string LegacyRowsColumn = "LegacyRows";
    private const char Separator = '~';
    private const int ChunkChars = 30_000; // a string property holds at most 64 KiB (32K UTF-16 characters)

    /// <summary>A row key made unique across partitions: the legacy key, then <c>~</c> and the journey ID.</summary>
    public static string Own(string legacyKey, string journeyId) => $"{legacyKey}{Separator}{journeyId}";

    public static string StateKey(string journeyId) => Own(LegacyStateKey, journeyId);

    /// <summary>
    /// An OData filter (parenthesised, to join with <c>and</c>) matching every journey's state row in either form: the legacy
    /// <c>state</c> and <c>state~{journeyId}</c> (every key from <c>state~</c> up to <c>statf</c> starts with <c>state~</c>,
    /// or with a character after '~' that no key holds).
    /// </summary>
    public static string StateFilter { get; } = TableClient.CreateQueryFilter(
        $"(RowKey eq {LegacyStateKey} or (RowKey ge {LegacyStateKey + Separator} and RowKey lt {"statf"}))");

    public static string HistoryKey(string journeyId, int version, int index) => Own($"{HistoryPrefix}{version:D8}-{index:D3}", journeyId);

    /// <summary>
    /// The notification's key inside its ID (<c>{journeyId}.n-{version}-{index}</c>), which is also its legacy row key; the
    /// row is stored under <see cref="Own"/> of it (<see cref="Outbox.Notification.ToEntity"/>).
    /// </summary>
    public static string NotificationKey(int version, int index) => $"{NotificationPrefix}{version:D8}-{index:D3}";

    /// <summary>
    /// The row key of an eventId's key row before ADR 007: a hash, because a client's eventId may hold any characters (row
    /// keys may not hold '/', '#', '?' or control characters); the exact eventId is kept in the row and compared on read.
    /// </summary>
    public static string LegacyEventKey(string eventId) =>
        EventKeyPrefix + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(eventId)));

    public static string EventKey(string journeyId, string eventId) => Own(LegacyEventKey(eventId), journeyId);

    public static TableEntity EventKeyRow(string journeyId, string eventId, string fingerprint, int version, DateTimeOffset at) =>
        new(journeyId, EventKey(journeyId, eventId)) { ["EventId"] = eventId, ["Fingerprint"] = fingerprint, ["Version"] = version, ["At"] = at };

    public static TableEntity State(Journey journey, string? requestHash, DateTimeOffset at, JourneyCipher cipher)
    {
        var next = journey.NextDeadline;
        var entity = new TableEntity(journey.JourneyId, StateKey(journey.JourneyId))
        {
            ["ReferralId"] = journey.ReferralId,
            ["Provider"] = journey.Referral.Provider,
            ["Channel"] = Kebab.Of(journey.Referral.Channel),
            ["UniversalCredit"] = journey.UniversalCredit,
            ["Restricted"] = journey.Restricted,
            ["Phase"] = Kebab.Of(journey.Phase),
            ["Closure"] = journey.Closure is { } c ? Kebab.Of(c) : null,
            ["NextDeadline"] = next is null ? null : Kebab.Of(next.Kind),
            ["NextDue"] = next?.Due.ToString("yyyy-MM-dd"),
            ["Overdue"] = journey.IsOverdue(at),
            ["Version"] = journey.Version,
            ["RequestHash"] = requestHash,
            ["UpdatedAt"] = at,
        };
        var json = cipher.Seal(Json.Serialize(journey));
        for (int i = 0, chunk = 0; i < json.Length; i += ChunkChars, chunk++)
        {
            entity[chunk == 0 ? "State" : $"State{chunk}"] = json.Substring(i, Math.Min(ChunkChars, json.Length - i));
        }
        return entity;
    }

    public static Journey ReadState(TableEntity entity, JourneyCipher cipher) => Json.Deserialize<Journey>(cipher.Open(ReadStateJson(entity)));

    public static string ReadStateJson(TableEntity entity)
    {
        var json = new System.Text.StringBuilder(entity.GetString("State"));
        for (var chunk = 1; entity.TryGetValue($"State{chunk}", out var part) && part is string text; chunk++) json.Append(text);
        return json.ToString();
    }

    public static TableEntity History(string journeyId, int version, int index, JourneyEvent e, DateTimeOffset at, JourneyCipher cipher) =>
        new(journeyId, HistoryKey(journeyId, version, index))
        {
            ["Version"] = version,
            ["Kind"] = Describe(e),
            ["At"] = at,
            ["Data"] = cipher.Seal(Json.Serialize(e)),
        };

    public static JourneyEvent ReadHistory(TableEntity row, JourneyCipher cipher) => Json.Deserialize<JourneyEvent>(cipher.Open(row.GetString("Data")));

    /// <summary>A short label for the history row: the event kind, with the reported type or deadline where there is one.</summary>
    public static string Describe(JourneyEvent e) => e switch
    {
        EventReported r => $"event-reported:{r.Event.Type}",
        DeadlineScheduled s => $"deadline-scheduled:{Kebab.Of(s.Kind)}",
        DeadlineSettled s => $"deadline-{Kebab.Of(s.State)}:{Kebab.Of(s.Kind)}",
        TimerFired f => $"timer-fired:{Kebab.Of(f.Kind)}:{Kebab.Of(f.Step)}",
        PhaseChanged p => $"phase-changed:{Kebab.Of(p.Phase)}",
        NotificationRequested n => $"notification-requested:{n.Template}",
        OutcomeDecided o => $"outcome-decided:{Kebab.Of(o.Outcome)}",
        _ => System.Text.Json.JsonSerializer.SerializeToElement(e, Json.Options).GetProperty("type").GetString()!,
    };
}
