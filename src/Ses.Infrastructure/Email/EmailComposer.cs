using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Outbox;

namespace Ses.Infrastructure.Email;

/// <summary>
/// Turns a requested notification into an addressed email, rendered from its template (<see cref="EmailTemplates"/>) with
/// what the form needs: the PRaP referral ID, dates, the strand, a reason for leaving, the provider's contact details.
/// No names, NINO, health, disability, MAPPA or address details ever go to an inbox (13.31, SPEC 6): the values below are
/// the only ones a template can use, and none of them comes from the participant's personal data.
/// </summary>
public sealed class EmailComposer(InboxOptions inboxes, IReadOnlyDictionary<string, ProviderOptions> providers)
{
    /// <param name="decision">The events of the decision that asked for the email: the reported event (assessment, leaving)
    /// carries what the form needs that the journey's state does not keep.</param>
    public Notification Compose(
        Journey journey, NotificationRequested request, int version, int index, DateTimeOffset now, IReadOnlyList<JourneyEvent>? decision = null)
    {
        var id = Notification.IdFor(journey.JourneyId, Journeys.JourneyRows.NotificationKey(version, index));
        var to = Recipients(journey, request.Audience).Where(a => !string.IsNullOrWhiteSpace(a)).Distinct().ToArray();
        var (subject, body, html) = Content(journey, request, decision ?? []);
        return to.Length == 0
            ? new Notification(id, journey.JourneyId, request.Template, to, subject, body, NotificationStatus.Failed, 0, now, null,
                $"No address is configured for {Kebab.Of(request.Audience)}.") { HtmlBody = html }
            : new Notification(id, journey.JourneyId, request.Template, to, subject, body, NotificationStatus.Queued, 0, now, null, null) { HtmlBody = html };
    }

    /// <summary>
    /// Tells the provider's staff that an email could not be delivered, so a person acts (SPEC 5.1). Carries the referral
    /// ID, the template and the error only. Null when the provider has no staff address to tell.
    /// </summary>
    public Notification? ComposeAlert(Journey journey, Notification failed, DateTimeOffset now) =>
        ComposeAlert(journey.JourneyId, journey.ReferralId, journey.Referral.Provider, failed, now);

    /// <inheritdoc cref="ComposeAlert(Journey, Notification, DateTimeOffset)"/>
    public Notification? ComposeAlert(string journeyId, string referralId, string providerId, Notification failed, DateTimeOffset now)
    {
        if (!providers.TryGetValue(providerId, out var provider) || string.IsNullOrWhiteSpace(provider.Email)) return null;
        var (_, rowKey) = Notification.Split(failed.NotificationId);
        var id = Notification.IdFor(journeyId, $"{rowKey}-alert{failed.Resends}");
        var subject = $"SES journey {referralId}: email {failed.Template} not delivered";
        var body = $"The {failed.Template} email for journey {referralId} could not be delivered after {failed.Attempts} attempt(s): "
            + $"{failed.LastError} An operator can send it again from the failed notifications view.";
        return new Notification(id, journeyId, Notification.AlertTemplate, [provider.Email], subject, body, NotificationStatus.Queued, 0, now, null, null);
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

    private (string Subject, string Body, string? Html) Content(Journey journey, NotificationRequested request, IReadOnlyList<JourneyEvent> decision)
    {
        if (!EmailTemplates.Has(request.Template))
        {
            return ($"SES journey {journey.ReferralId}: {request.Template}", $"{request.Template} for journey {journey.ReferralId}.", null);
        }
        var email = EmailTemplates.Render(request.Template, EmailValues.For(journey, request, decision, Provider(journey)));
        return (email.Subject, email.Text, email.Html);
    }

    private ProviderOptions? Provider(Journey journey) => providers.TryGetValue(journey.Referral.Provider, out var p) ? p : null;
}
