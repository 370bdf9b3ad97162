using Ses.Functions.Auth;
using Ses.Infrastructure.Journeys;

namespace Ses.Functions.Api;

/// <summary>Loads a journey the caller may see; another provider's journey is a 404, never its data (SPEC 5).</summary>
public static class JourneyAccess
{
    public static async Task<(StoredJourney? Journey, IResult? Error)> LoadAsync(
        JourneyStore store, string id, HttpContext context, CancellationToken ct)
    {
        if (id.Length is 0 or > 64 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return (null, Problems.NotFound(id.Length > 64 ? id[..64] : id));
        }
        var stored = await store.GetAsync(id, ct);
        var caller = Caller.From(context.User);
        return stored is null || !caller.CanSee(stored.Journey.Referral.Provider)
            ? (null, Problems.NotFound(id))
            : (stored, null);
    }
}
