using System.Collections.Concurrent;
using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Http.Api;

/// <summary>Whose counts: one provider's or every journey, with or without restricted outcomes, on which London date.</summary>
public sealed record CaseloadScope(string? Provider, bool SeesRestricted, DateOnly Today, DateOnly WeekEnds);

/// <summary>The counts of one scope and when (real time) the listings were scanned for them.</summary>
public sealed record CaseloadCounted(CaseloadTally Tally, DateTimeOffset CountedAt);

/// <summary>
/// The caseload's counts: a scan of the listings in a scope, reading only the columns the counts test, keeping nothing but
/// the counts (ADR 009). Requests of one scope share a scan while it runs and reuse its counts for
/// <c>Caseload:CountsMaxAge</c> (default 30 seconds, real time, the console's refresh): on Azurite a scan of 20,000
/// listings takes seconds, and every open console asks every 30 seconds. A new London date is a new scope.
/// </summary>
public sealed class CaseloadCounts(JourneyIndex index, RealClock clock, TimeSpan maxAge)
{
    private readonly ConcurrentDictionary<CaseloadScope, Lazy<Task<CaseloadCounted>>> _scans = new();

    public async Task<CaseloadCounted> GetAsync(CaseloadScope scope, CancellationToken ct)
    {
        var scan = _scans.GetOrAdd(scope, Start);
        if (scan.Value is { IsCompleted: true } done && (!done.IsCompletedSuccessfully || clock.Now - done.Result.CountedAt > maxAge))
        {
            var again = Start(scope);
            scan = _scans.TryUpdate(scope, again, scan) ? again : _scans.GetOrAdd(scope, Start);
            foreach (var old in _scans.Keys.Where(k => k.Today != scope.Today)) _scans.TryRemove(old, out _);
        }
        // The scan is shared, so one caller giving up does not cancel it for the others.
        return await scan.Value.WaitAsync(ct);
    }

    private Lazy<Task<CaseloadCounted>> Start(CaseloadScope scope) => new(() => ScanAsync(scope));

    private async Task<CaseloadCounted> ScanAsync(CaseloadScope scope)
    {
        var tally = new CaseloadTally(scope);
        await foreach (var listing in index.ListingsAsync(scope.Provider, JourneyListing.CaseloadColumns, CancellationToken.None))
        {
            tally.Add(listing);
        }
        return new CaseloadCounted(tally, clock.Now);
    }
}

/// <summary>The tiles' counts, one listing at a time: the same tests as the list's filters (<see cref="JourneyListQuery"/>).</summary>
public sealed class CaseloadTally(CaseloadScope scope)
{
    private readonly int[] _phases = new int[Enum.GetValues<Phase>().Length];

    public int Missed { get; private set; }
    public int Outcomes { get; private set; }
    /// <summary>Journeys whose next deadline is due on each day from today to Sunday.</summary>
    public int[] DueOn { get; } = new int[scope.WeekEnds.DayNumber - scope.Today.DayNumber + 1];
    public int AwaitingStart => Of(Phase.Introduced) + Of(Phase.Referred) + Of(Phase.Assessed);
    public int Of(Phase phase) => _phases[(int)phase];

    public void Add(JourneyListing j)
    {
        if (j.HasMissedDeadline) Missed++;
        if (j.NextDue is { } due && due >= scope.Today && due <= scope.WeekEnds) DueOn[due.DayNumber - scope.Today.DayNumber]++;
        _phases[(int)j.Phase]++;
        // Outcomes of restricted records are counted only for those who may see them (13.71).
        if ((!j.Restricted || scope.SeesRestricted) && (AchievedThisMonth(j.ShortState, j.ShortOn) || AchievedThisMonth(j.SustainedState, j.SustainedOn))) Outcomes++;
    }

    private bool AchievedThisMonth(OutcomeState state, DateOnly? on) =>
        state == OutcomeState.Achieved && on is { } date && date.Year == scope.Today.Year && date.Month == scope.Today.Month;
}
