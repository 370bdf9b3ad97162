namespace Ses.Http.Auth;

/// <summary>Who may call what (SPEC 5 table). Ownership of a journey is checked in the endpoints.</summary>
public static class Policies
{
    public const string Intake = "intake";
    public const string ReadJourneys = "read-journeys";
    public const string WriteJourneys = "write-journeys";
    public const string Documents = "documents";
    public const string Operator = "operator";
    /// <summary>Events and task completion: provider staff and operators, and nominated officers on restricted journeys (checked in the endpoint).</summary>
    public const string JourneyWork = "journey-work";
    /// <summary>The answer to a request answered 202: whoever may make requests, referral systems included.</summary>
    public const string Requests = "requests";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        options.AddPolicy(Intake, p => p.RequireRole(Roles.ReferralSystem, Roles.Operator));
        options.AddPolicy(ReadJourneys, p => p.RequireRole(Roles.Provider, Roles.Operator, Roles.NominatedOfficer));
        options.AddPolicy(WriteJourneys, p => p.RequireRole(Roles.Provider, Roles.Operator));
        options.AddPolicy(Documents, p => p.RequireRole(Roles.Provider, Roles.NominatedOfficer));
        options.AddPolicy(Operator, p => p.RequireRole(Roles.Operator));
        options.AddPolicy(JourneyWork, p => p.RequireRole(Roles.Provider, Roles.Operator, Roles.NominatedOfficer));
        options.AddPolicy(Requests, p => p.RequireRole(Roles.ReferralSystem, Roles.Provider, Roles.Operator, Roles.NominatedOfficer));
    }
}
