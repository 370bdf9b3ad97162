using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Outbox;

namespace Ses.Infrastructure.Email;

/// <summary>
/// Turns a requested notification into an addressed email. Bodies carry the PRaP referral ID and dates only: no names,
/// NINO, health, disability, MAPPA or address details ever go to an inbox (13.31, SPEC 6).
/// </summary>
public sealed class EmailComposer(InboxOptions inboxes, IReadOnlyDictionary<string, ProviderOptions> providers)
{
    public Notification Compose(Journey journey, NotificationRequested request, int version, int index, DateTimeOffset now)
    {
        var id = Notification.IdFor(journey.JourneyId, Journeys.JourneyRows.NotificationKey(version, index));
        var to = Recipients(journey, request.Audience).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct().ToArray();
        var (subject, body) = Content(journey, request);
        return to.Length == 0
            ? new Notification(id, journey.JourneyId, request.Template, to, subject, body, NotificationStatus.Failed, 0, now, null,
                $"No address is configured for {Kebab.Of(request.Audience)}.")
            : new Notification(id, journey.JourneyId, request.Template, to, subject, body, NotificationStatus.Queued, 0, now, null, null);
    }

    /// <summary>
    /// Tells the provider's staff that an email could not be delivered, so a person acts (SPEC 5.1). Carries the referral
    /// ID, the template and the error only. Null when the provider has no staff address to tell.
    /// </summary>
    public Notification? ComposeAlert(Journey journey, Notification failed, DateTimeOffset now)
    {
        if (!providers.TryGetValue(journey.Referral.Provider, out var provider) || string.IsNullOrWhiteSpace(provider.Email)) return null;
        var (_, rowKey) = Notification.Split(failed.NotificationId);
        var id = Notification.IdFor(journey.JourneyId, $"{rowKey}-alert{failed.Resends}");
        var subject = $"SES journey {journey.ReferralId}: email {failed.Template} not delivered";
        var body = $"The {failed.Template} email for journey {journey.ReferralId} could not be delivered after {failed.Attempts} attempt(s): "
            + $"{failed.LastError} An operator can send it again from the failed notifications view.";
        return new Notification(id, journey.JourneyId, Notification.AlertTemplate, [provider.Email], subject, body, NotificationStatus.Queued, 0, now, null, null);
    }

    private IEnumerable<string> Recipients(Journey journey, Audience audience)
    {
        var provider = providers.TryGetValue(journey.Referral.Provider, out var p) ? p : null;
        return audience switch
        {
            Audience.Spoc => [journey.Referral.Spoc?.Email ?? ""],
            Audience.WorkCoach => [journey.Referral.WorkCoach?.Email ?? ""],
            Audience.UcServiceCentreAndSesPolicy => [inboxes.UcServiceCentre, inboxes.SesPolicy],
            Audience.ProviderStaff => [provider?.Email ?? ""],
            Audience.ProviderClaims => [provider?.ClaimsEmail ?? ""],
            _ => [],
        };
    }

    private static (string Subject, string Body) Content(Journey journey, NotificationRequested request)
    {
        var po = journey.ReferralId;
        var deadline = request.Deadline is { } k ? $"{Kebab.Of(k)} due {request.Due:yyyy-MM-dd}" : "";
        return request.Template switch
        {
            "ucpr1-chase" => ($"SES referral {po}: duplicate UCPR1 requested",
                $"We have not received the UCPR1 and UC452 for PRaP referral {po} (referred {journey.ReferralDate:yyyy-MM-dd}). Please send a duplicate (SES guidance 13.14, 13.67)."),
            "uc452-part6" => ($"SES referral {po}: UC452 part 6", $"UC452 part 6 for PRaP referral {po}: the Initial Assessment was held and a strand recommended (13.21)."),
            "uc452-part7" => ($"SES referral {po}: UC452 part 7", $"UC452 part 7 for PRaP referral {po}: the claimant was assessed as not suitable for SES (13.22)."),
            "uc452-part8a" => ($"SES referral {po}: UC452 part 8a", $"UC452 part 8a for PRaP referral {po}: the participant left provision early (13.36)."),
            "uc452-part8b" => ($"SES referral {po}: UC452 part 8b", $"UC452 part 8b for PRaP referral {po}: the participant completed provision (13.37)."),
            "customer-exit-note" => ($"SES referral {po}: Customer Exit Note", $"Customer Exit Note for PRaP referral {po}: the participant has left SES provision (13.03)."),
            "deadline-reminder" => ($"SES journey {po}: {deadline}", $"Reminder: the {deadline} deadline for journey {po} is coming up."),
            "deadline-missed" => ($"SES journey {po}: {deadline} missed", $"The {deadline} deadline for journey {po} was missed."),
            "outcome-decided" => ($"SES journey {po}: job outcome achieved", $"A job outcome was achieved for journey {po} ({deadline}); it can be claimed (6.02, 6.03)."),
            _ => ($"SES journey {po}: {request.Template}", $"{request.Template} for journey {po}."),
        };
    }
}
