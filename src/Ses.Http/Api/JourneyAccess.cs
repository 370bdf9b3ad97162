using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;

namespace Ses.Http.Api;

/// <summary>Loads a journey the caller may see; another provider's journey is a 404, never its data (SPEC 5).</summary>
public static class JourneyAccess
{
    public static async Task<(StoredJourney? Journey, IResult? Error)> LoadAsync(
        JourneyStore store, string id, HttpContext context, CancellationToken ct)
    {
        var (stored, error) = await FindAsync(store, id, context, ct);
        return stored is null && error is null ? (null, Problems.NotFound(id)) : (stored, error);
    }

    /// <summary>As <see cref="LoadAsync"/>, but a journey that is not there (yet) is no error: (null, null).</summary>
    public static async Task<(StoredJourney? Journey, IResult? Error)> FindAsync(
        JourneyStore store, string id, HttpContext context, CancellationToken ct)
    {
        if (id.Length is 0 or > 64 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return (null, Problems.NotFound(id.Length > 64 ? id[..64] : id));
        }
        var stored = await store.GetAsync(id, ct);
        if (stored is null) return (null, null);
        return Caller.From(context.User).CanSee(stored.Journey.Referral.Provider) ? (stored, null) : (null, Problems.NotFound(id));
    }
}
