namespace Ses.Domain.Outcomes;

/// <summary>SPEC 5.1: outcome states are pending, achieved and not-achieved.</summary>
public enum OutcomeState
{
    Pending,
    Achieved,
    NotAchieved,
}
