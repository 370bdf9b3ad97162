namespace Ses.Domain.Journeys;

/// <summary>
/// Who caused a history entry (SPEC 5.1): an API key's configured name and role, never the key itself; timers are
/// <see cref="System"/>.
/// </summary>
public sealed record Actor(string Name, string Role)
{
    public const string NominatedOfficerRole = "nominated-officer";

    public static Actor System { get; } = new("system", "system");
}
