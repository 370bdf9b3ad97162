namespace Ses.Journeys;

/// <summary>
/// The names the task hub knows the journey by: orchestrator, activities and the one external event. Both hosts use these
/// constants (the Functions app's wrappers are named after them), so a rename cannot split them.
/// </summary>
public static class Names
{
    public const string Journey = "Journey";
    public const string CommitJourney = "CommitJourney";
    public const string SendEmail = "SendEmail";
    public const string PurgeJourney = "PurgeJourney";
    /// <summary>The external event every message travels as: one name, so messages are handled in the order they came.</summary>
    public const string Message = "message";

    /// <summary>A journey's instance ID is its journey ID (letters, digits and hyphens; nothing personal, SPEC 6).</summary>
    public static string InstanceId(string journeyId) => journeyId;
}
