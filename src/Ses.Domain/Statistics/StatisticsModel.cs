using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;

namespace Ses.Domain.Statistics;

/// <summary>What the statistics need of one journey: its referral, start, benefit, history and outcomes.</summary>
public sealed record JourneySnapshot(
    string ReferralId, string Provider, DateOnly ReferralDate, DateOnly? StartOn, Benefit Benefit, int MonthsEmployedInPrior24,
    OutcomeState ShortState, DateOnly? ShortOn, OutcomeState SustainedState, DateOnly? SustainedOn);

public enum Rounding { None, Publication }

/// <summary>Table 1: referrals and starts in a calendar month.</summary>
public sealed record MonthRow(string Month, decimal Referrals, decimal Starts);

/// <summary>Lifetime referrals, starts and start rate ("72% of those referred subsequently start").</summary>
public sealed record LifetimeRow(decimal Referrals, decimal Starts, decimal? StartRate);

/// <summary>Starts of a group with the share achieving short and sustained outcomes (Tables 3-5).</summary>
public sealed record OutcomeRow(string Key, decimal Starts, decimal ShortOutcomes, decimal SustainedOutcomes, decimal? ShortRate, decimal? SustainedRate);

/// <summary>Table 2: cumulative share of achieved outcomes reached within N months of the start.</summary>
public sealed record TimeToOutcomeRow(int Months, decimal? ShortCumulativeShare, decimal? SustainedCumulativeShare);

/// <summary>Table 6: outcomes achieved against the expectation of 30% (short) and 18% (sustained) of starts.</summary>
public sealed record ProviderRow(
    string Provider, decimal Starts, decimal ShortOutcomes, decimal ShortExpected, decimal? ShortPerformance,
    decimal SustainedOutcomes, decimal SustainedExpected, decimal? SustainedPerformance);

public sealed record StatisticsReport(
    DateOnly AsOf, string Rounding, DateOnly? CohortStartsTo, IReadOnlyList<MonthRow> Monthly, LifetimeRow Lifetime,
    IReadOnlyList<OutcomeRow> Cohorts, OutcomeRow CohortTotal, IReadOnlyList<TimeToOutcomeRow> TimeToOutcome,
    IReadOnlyList<OutcomeRow> ByBenefit, IReadOnlyList<OutcomeRow> ByEmploymentHistory, IReadOnlyList<ProviderRow> Providers);
