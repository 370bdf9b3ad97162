namespace Ses.Domain.Outcomes;

/// <summary>An outcome's state, the date it was achieved, and why it was decided so, achieved ones included. Decided once; never changed (SPEC 4.6).</summary>
public sealed record OutcomeDecision(OutcomeState State, DateOnly? On, string? Reason)
{
    public static OutcomeDecision Pending { get; } = new(OutcomeState.Pending, null, null);

    public static OutcomeDecision Achieved(DateOnly on, string reason) => new(OutcomeState.Achieved, on, reason);

    public static OutcomeDecision NotAchieved(string reason) => new(OutcomeState.NotAchieved, null, reason);
}
