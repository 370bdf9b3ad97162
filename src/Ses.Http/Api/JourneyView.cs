using Ses.Domain;
using System.Text.Json.Serialization;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Outcomes;
using Ses.Domain.Referrals;
using Ses.Http.Auth;

namespace Ses.Http.Api;

public sealed record DeadlineView(string Kind, DateOnly Due, string State, DateTimeOffset? DueAt, DateOnly? SettledOn);

/// <summary>Work the journey asks of a person; texts never carry personal data. Completed ones say who and when.</summary>
public sealed record TaskView(
    string TaskId, string Task, string Detail, string Assignee, bool Completed, DateTimeOffset? CompletedAt, ActorView? CompletedBy, string? Note);

/// <summary>Who did something: an API key's name and role, or <c>system</c> (SPEC 5.1).</summary>
public sealed record ActorView(string Name, string Role);

/// <summary>The journey's orchestration as Durable Task reports it: <c>running</c> while the journey lives (closed ones too, until purged).</summary>
public sealed record OrchestrationView(string InstanceId, string RuntimeStatus);

public sealed record OutcomeView(string State, DateOnly? On, string? Reason);

public sealed record OutcomesView(OutcomeView Short, OutcomeView Sustained);

/// <summary>SPEC 5.1 journey. <see cref="Referral"/> carries personal data and is left out of restricted records for everyone but nominated officers.</summary>
public sealed record JourneyView(
    string JourneyId, string ReferralId, bool UniversalCredit, string Channel, string Provider, string Region,
    DateOnly ReferralDate, string Phase, string? Closure, string? ClosureReason, int Version, bool Restricted, bool Mappa,
    IReadOnlyList<DeadlineView> Deadlines, OutcomesView? Outcomes, DeadlineView? NextDeadline, IReadOnlyList<TaskView> Tasks, Referral? Referral)
{
    /// <summary>GET only: the journey's orchestration in the task hub and its runtime status (ADR 010).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OrchestrationView? Orchestration { get; init; }

    /// <summary>Answers to POST events only: false when the <c>eventId</c> was already applied.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Applied { get; init; }

    /// <summary>Answers to POST events only: warnings such as an appointment after the first-meeting deadline.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Warnings { get; init; }

    public static JourneyView Of(Journey j, Caller caller)
    {
        var full = !j.Restricted || caller.SeesRestricted;
        return new JourneyView(
            j.JourneyId, j.ReferralId, j.UniversalCredit, j.Referral.Channel.ToSlug(), j.Referral.Provider, j.Referral.Region.ToSlug(),
            j.ReferralDate, Kebab.Of(j.Phase), j.Closure is { } c ? Kebab.Of(c) : null, full ? j.ClosureReason : null, j.Version,
            j.Restricted, j.Referral.Mappa,
            j.Deadlines.Select(Of).ToArray(),
            full ? new OutcomesView(Of(j.ShortOutcome), Of(j.SustainedOutcome)) : null,
            j.NextDeadline is { } next ? Of(next) : null,
            j.Tasks.Select(t => new TaskView(t.TaskId, t.Task, t.Detail, Kebab.Of(t.Assignee), t.Done, t.CompletedAt,
                t.CompletedBy is { } by ? new ActorView(by.Name, by.Role) : null, full ? t.Note : null)).ToArray(),
            full ? j.Referral : null);
    }

    private static DeadlineView Of(Deadline d) => new(Kebab.Of(d.Kind), d.Due, Kebab.Of(d.State), d.DueAt, d.SettledOn);

    private static OutcomeView Of(OutcomeDecision o) => new(Kebab.Of(o.State), o.On, o.Reason);
}

/// <summary>A row of the journey list: what operators scan for (phase, next deadline, overdue).</summary>
public sealed record JourneySummary(
    string JourneyId, string ReferralId, string Provider, string Phase, string? Closure, string? NextDeadline, string? NextDue,
    bool Overdue, bool Restricted, int Version);

public sealed record JourneyPage(IReadOnlyList<JourneySummary> Items, string? ContinuationToken);

/// <summary>A page of a journey's history, oldest first; follow <c>continuationToken</c> for the next.</summary>
public sealed record HistoryPage(IReadOnlyList<HistoryView> Items, string? ContinuationToken);

public sealed record HistoryView(int Version, string Kind, DateTimeOffset At, ActorView Actor, JourneyEvent? Data);
