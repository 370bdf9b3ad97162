using System.Globalization;
using System.Text.RegularExpressions;
using Ses.Domain;
using Ses.Domain.Journeys;

namespace Ses.Infrastructure.Email;

/// <summary>
/// The values a template may use. None is personal data of the participant: the referral ID, dates, the strand, the
/// provider's own contact details, and a reason for leaving that is withheld whenever it may be sensitive (13.31).
/// </summary>
public static partial class EmailValues
{
    public const string NotRecorded = "not recorded";
    public const string ReasonWithheld = "recorded by the provider; not emailed as it may hold sensitive information (13.31): the provider will telephone if needed";

    public static IReadOnlyDictionary<string, string> For(
        Journey journey, NotificationRequested request, IReadOnlyList<JourneyEvent> decision, ProviderOptions? provider)
    {
        var reported = decision.OfType<EventReported>().Select(e => e.Event).ToArray();
        var assessment = reported.OfType<InitialAssessmentHeld>().LastOrDefault();
        var left = reported.OfType<LeftEarly>().LastOrDefault();
        var completed = reported.OfType<Completed>().LastOrDefault();
        return new Dictionary<string, string>
        {
            ["referralId"] = journey.ReferralId,
            ["referralDate"] = Date(journey.ReferralDate),
            ["providerName"] = provider is { Name.Length: > 0 } ? provider.Name : journey.Referral.Provider,
            ["providerContact"] = Contact(provider),
            ["deadline"] = request.Deadline is { } k ? $"{Kebab.Of(k)} due {Date(request.Due)}" : "",
            ["assessedOn"] = Date(assessment?.OccurredOn),
            ["strand"] = assessment?.Recommendation switch
            {
                Recommendation.Main => "SES Main Provision (SESMP)",
                Recommendation.StartBack => "SES Start Back (SESSB)",
                Recommendation.NotSuitable => "none: not suitable",
                _ => NotRecorded,
            },
            ["anticipatedStartOn"] = Date(assessment?.AnticipatedStartOn),
            ["anticipatedEndOn"] = Date(assessment?.AnticipatedEndOn),
            ["leftOn"] = Date(left?.LeftOn ?? completed?.EndOn ?? journey.ProvisionEndedOn),
            ["endOn"] = Date(completed?.EndOn ?? journey.ProvisionEndedOn),
            ["reason"] = completed is not null ? "completed the provision" : Reason(journey, left?.Reason),
        };
    }

    /// <summary>
    /// 13.36 asks for the reason for leaving, 13.31 forbids sensitive information: staff's free text goes out only for an
    /// unrestricted journey and when it names nothing sensitive; otherwise the form says the reason is withheld.
    /// </summary>
    public static string Reason(Journey journey, string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason)) return NotRecorded;
        if (journey.Restricted || Sensitive().IsMatch(reason) || NamesTheParticipant(journey, reason)) return ReasonWithheld;
        var clean = new string(reason.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length <= 200 ? clean : clean[..200];
    }

    /// <summary>The reason mentions the participant's name, NINO, client number, phone, address or postcode.</summary>
    private static bool NamesTheParticipant(Journey journey, string reason)
    {
        var p = journey.Referral.Participant;
        var squeezed = new string(reason.Where(char.IsLetterOrDigit).ToArray());
        var words = new[] { p.Forename, p.Surname, p.ClientNumber, p.Phone, p.AlternativePhone, p.Nino.ToString(), p.Postcode?.ToString() }
            .Concat((p.Address ?? "").Split([' ', ',', '\n'], StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 4))
            .Where(w => !string.IsNullOrWhiteSpace(w))
            .Select(w => new string(w!.Where(char.IsLetterOrDigit).ToArray()))
            .Where(w => w.Length >= 2);
        return words.Any(w => squeezed.Contains(w, StringComparison.OrdinalIgnoreCase));
    }

    private static string Contact(ProviderOptions? provider) =>
        provider is null ? NotRecorded : string.Join(", ", new[] { provider.Phone, provider.Email }.Where(v => !string.IsNullOrWhiteSpace(v)));

    private static string Date(DateOnly? date) => date?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? NotRecorded;

    // Health, disability, criminal-justice (MAPPA), address and similar words: a reason naming any of them is withheld.
    [GeneratedRegex(@"health|\bill\b|illness|sick|hospital|disab|mental|depress|anxi|pregnan|medic|doctor|\bgp\b|surgery|diagnos|therap|condition|injur|pain|cancer|operation|addict|alcohol|drug|rehab|suicid|self[- ]?harm|mappa|offen|prison|probation|police|court|custody|arrest|convict|licen[cs]e condition|address|moved house|homeless|hostel|domestic|abuse|carer|bereave|\bdied\b|death|\bno\.? ?\d|\d{2,}",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Sensitive();
}
