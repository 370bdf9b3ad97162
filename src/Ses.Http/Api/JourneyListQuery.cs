using Microsoft.AspNetCore.Http.HttpResults;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Http.Auth;
using Ses.Infrastructure.Journeys;

namespace Ses.Http.Api;

/// <summary>
/// The query of <c>GET /api/journeys</c> read into a <see cref="ListingFilter"/>: each caseload tile is one such query
/// (<see cref="CaseloadEndpoints"/>). A bad value is a 400 naming its parameter, in words.
/// </summary>
public static class JourneyListQuery
{
    public const int ReferralIdPrefixMax = 20;

    private static readonly string PhaseWords = string.Join(", ", Enum.GetValues<Phase>().Select(p => Kebab.Of(p)));

    public static (ListingFilter? Filter, ValidationProblem? Error) Parse(
        Caller caller, string[]? phase, string? provider, bool? overdue, bool? missedDeadline, string? dueFrom, string? dueBefore,
        string? outcomeMonth, string? referralIdPrefix)
    {
        var phases = new List<Phase>();
        foreach (var text in (phase ?? []).SelectMany(p => p.Split(',')))
        {
            if (!Kebab.TryParse<Phase>(text.Trim(), out var parsed)) return (null, Problems.Validation("phase", $"phase is one or several (comma-separated) of {PhaseWords}."));
            phases.Add(parsed);
        }
        if (!TryDate(dueFrom, "dueFrom", out var from, out var error) || !TryDate(dueBefore, "dueBefore", out var before, out error)) return (null, error);
        DateOnly? month = null;
        if (outcomeMonth is not null)
        {
            if (!WireDate.TryParse(outcomeMonth + "-01", out var first) || outcomeMonth.Length != 7
                || !InputLimits.InRange(first))
            {
                return (null, Problems.Validation("outcomeMonth", $"outcomeMonth must be a month such as 2026-03, from {InputLimits.RangeText}."));
            }
            month = first;
        }
        if (referralIdPrefix is not null && (referralIdPrefix.Length is 0 or > ReferralIdPrefixMax || !referralIdPrefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return (null, Problems.Validation("referralIdPrefix", $"referralIdPrefix must be 1 to {ReferralIdPrefixMax} letters, digits or '-', the start of a referral ID such as 2001."));
        }
        // A provider key sees its own provider's journeys whatever it asks for (Caller.CanSee).
        if (caller.Role == Roles.Provider) provider = caller.Provider;
        return (new ListingFilter(provider, phases, overdue == true, missedDeadline == true, from, before, month,
            WithoutRestricted: month is not null && !caller.SeesRestricted, ReferralIdPrefix: referralIdPrefix), null);
    }

    private static bool TryDate(string? text, string field, out DateOnly? date, out ValidationProblem? error)
    {
        (date, error) = (null, null);
        if (text is null) return true;
        if (!WireDate.TryParse(text, out var parsed) || !InputLimits.InRange(parsed))
        {
            error = Problems.Validation(field, $"{field} must be a date such as 2026-03-02, from {InputLimits.RangeText}.");
            return false;
        }
        date = parsed;
        return true;
    }
}
