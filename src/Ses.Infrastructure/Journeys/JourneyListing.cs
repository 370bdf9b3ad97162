using Azure.Data.Tables;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;
using Ses.Domain.Statistics;

namespace Ses.Infrastructure.Journeys;

/// <summary>
/// One journey as the list, the caseload summary and the statistics read it: a compact row of the Index table, so none
/// of them scans the journeys table or opens a journey. Nothing personal: no NINO, name, contact or free text, only
/// IDs, flags, phase, dates and the statistics facts (benefit and months employed at referral).
/// </summary>
/// <param name="Overdue">SPEC 4.4 at <paramref name="UpdatedAt"/>, as the journey's state row has it, so the list means what it did.</param>
/// <param name="HasMissedDeadline">The caseload's "overdue" tile: an open journey with a missed deadline, late work or not.</param>
/// <param name="IsReferral">13.44: false for an SRO introduction until eligibility is confirmed; the statistics leave it out.</param>
public sealed record JourneyListing(
    string JourneyId, string ReferralId, string Provider, Channel Channel, bool UniversalCredit, bool Restricted,
    Phase Phase, Closure? Closure, DeadlineKind? NextDeadline, DateOnly? NextDue, bool Overdue, bool HasMissedDeadline,
    DateOnly ReferralDate, DateOnly? StartOn, Benefit Benefit, int MonthsEmployedInPrior24,
    OutcomeState ShortState, DateOnly? ShortOn, OutcomeState SustainedState, DateOnly? SustainedOn, bool IsReferral,
    int Version, DateTimeOffset UpdatedAt)
{
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>What the caseload summary reads of each listing: only what its counts test (ADR 009).</summary>
    public static readonly IReadOnlyList<string> CaseloadColumns =
        ["Restricted", "Phase", "NextDue", "HasMissedDeadline", "ShortState", "ShortOn", "SustainedState", "SustainedOn"];

    /// <summary>What the statistics read of each listing (the fields of <see cref="JourneySnapshot"/>).</summary>
    public static readonly IReadOnlyList<string> StatisticsColumns =
        ["ReferralId", "Provider", "ReferralDate", "StartOn", "Benefit", "MonthsEmployedInPrior24", "ShortState", "ShortOn", "SustainedState", "SustainedOn", "IsReferral"];

    public static JourneyListing From(Journey journey, DateTimeOffset at)
    {
        var next = journey.NextDeadline;
        return new JourneyListing(
            journey.JourneyId, journey.ReferralId, journey.Referral.Provider, journey.Referral.Channel, journey.UniversalCredit, journey.Restricted,
            journey.Phase, journey.Closure, next?.Kind, next?.Due, journey.IsOverdue(at),
            journey.Phase != Phase.Closed && journey.Deadlines.Any(d => d.State == DeadlineState.Missed),
            journey.ReferralDate, journey.StartOn, journey.Referral.Participant.Benefit, journey.Referral.Participant.MonthsEmployedInPrior24,
            journey.ShortOutcome.State, journey.ShortOutcome.On, journey.SustainedOutcome.State, journey.SustainedOutcome.On,
            !(journey.Referral.Channel == Channel.Sro && journey.ReferralId == journey.Referral.ReferralId),
            journey.Version, at);
    }

    /// <summary>The statistics' view of the journey (SPEC 7).</summary>
    public JourneySnapshot Snapshot() => new(
        ReferralId, Provider, ReferralDate, StartOn, Benefit, MonthsEmployedInPrior24, ShortState, ShortOn, SustainedState, SustainedOn);

    /// <summary>The row, readable in Storage Explorer: enumerations in kebab case, dates as YYYY-MM-DD (so NextDue compares as text).</summary>
    public TableEntity ToEntity() => ToEntity(IndexKeys.Listing(Provider, JourneyId));

    /// <summary>The listing row and its two rows in next-due order (<see cref="IndexKeys"/>), the same columns in each.</summary>
    public IReadOnlyList<TableEntity> ToEntities() => [ToEntity(), .. DueKeys().Select(ToEntity)];

    /// <summary>The keys of its rows in next-due order: in every provider's list and in its provider's.</summary>
    public IReadOnlyList<string> DueKeys() => [IndexKeys.Due(null, NextDue, JourneyId), IndexKeys.Due(Provider, NextDue, JourneyId)];

    private TableEntity ToEntity(string rowKey) => new(IndexKeys.Partition, rowKey)
    {
        ["JourneyId"] = JourneyId,
        ["ReferralId"] = ReferralId,
        ["Provider"] = Provider,
        ["Channel"] = Kebab.Of(Channel),
        ["UniversalCredit"] = UniversalCredit,
        ["Restricted"] = Restricted,
        ["Phase"] = Kebab.Of(Phase),
        ["Closure"] = Closure is { } closure ? Kebab.Of(closure) : null,
        ["NextDeadline"] = NextDeadline is { } kind ? Kebab.Of(kind) : null,
        ["NextDue"] = NextDue?.ToString(DateFormat),
        ["Overdue"] = Overdue,
        ["HasMissedDeadline"] = HasMissedDeadline,
        ["ReferralDate"] = ReferralDate.ToString(DateFormat),
        ["StartOn"] = StartOn?.ToString(DateFormat),
        ["Benefit"] = Kebab.Of(Benefit),
        ["MonthsEmployedInPrior24"] = MonthsEmployedInPrior24,
        ["ShortState"] = Kebab.Of(ShortState),
        ["ShortOn"] = ShortOn?.ToString(DateFormat),
        ["SustainedState"] = Kebab.Of(SustainedState),
        ["SustainedOn"] = SustainedOn?.ToString(DateFormat),
        ["IsReferral"] = IsReferral,
        ["Version"] = Version,
        ["UpdatedAt"] = UpdatedAt,
    };

    /// <summary>Reads a listing row; a column the query did not select reads as its default (see <see cref="CaseloadColumns"/>).</summary>
    public static JourneyListing FromEntity(TableEntity row) => new(
        row.GetString("JourneyId") ?? "", row.GetString("ReferralId") ?? "", row.GetString("Provider") ?? "",
        Parse<Channel>(row, "Channel") ?? default, row.GetBoolean("UniversalCredit") ?? false, row.GetBoolean("Restricted") ?? false,
        Parse<Phase>(row, "Phase") ?? default, Parse<Closure>(row, "Closure"), Parse<DeadlineKind>(row, "NextDeadline"), Date(row, "NextDue"),
        row.GetBoolean("Overdue") ?? false, row.GetBoolean("HasMissedDeadline") ?? false,
        Date(row, "ReferralDate") ?? default, Date(row, "StartOn"), Parse<Benefit>(row, "Benefit") ?? default, row.GetInt32("MonthsEmployedInPrior24") ?? 0,
        Parse<OutcomeState>(row, "ShortState") ?? default, Date(row, "ShortOn"), Parse<OutcomeState>(row, "SustainedState") ?? default, Date(row, "SustainedOn"),
        row.GetBoolean("IsReferral") ?? false, row.GetInt32("Version") ?? 0, row.GetDateTimeOffset("UpdatedAt") ?? default);

    private static T? Parse<T>(TableEntity row, string column) where T : struct, Enum =>
        Kebab.TryParse<T>(row.GetString(column), out var value) ? value : null;

    private static DateOnly? Date(TableEntity row, string column) =>
        row.GetString(column) is { } text ? DateOnly.ParseExact(text, DateFormat, System.Globalization.CultureInfo.InvariantCulture) : null;
}
