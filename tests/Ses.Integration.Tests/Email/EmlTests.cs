using Azure.Storage.Blobs.Models;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Email;

/// <summary>Without SendGrid the emails are kept as .eml blobs: whole MIME messages, as a mail client opens them.</summary>
public sealed class EmlTests
{
    [Fact] // 13.21, 13.36, 13.03
    public async Task The_UC452_and_exit_note_emails_are_kept_as_MIME_messages_with_the_forms_data()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = app.Client(SesApp.ProviderAKey);
        await Referrals.EventAsync(staff, id, new
        {
            type = "initial-assessment-held", eventId = "ia", occurredOn = "2026-03-05", recommendation = "main",
            anticipatedStartOn = "2026-03-16", anticipatedEndOn = "2027-03-12",
        });
        await Referrals.EventAsync(staff, id, new { type = "strand-referral-accepted", occurredOn = "2026-03-06", strandReferralId = "200999991" });
        await Referrals.EventAsync(staff, id, new { type = "started", eventId = "st", startOn = "2026-03-06" });
        await Referrals.EventAsync(staff, id, new { type = "left-early", leftOn = "2026-03-06", reason = "Chose another programme" });
        Assert.True(await app.EmailsSettledAsync(id, TimeSpan.FromSeconds(30))); // the journey sends them after answering

        var notifications = await app.Service<JourneyStore>().NotificationsAsync(id);
        var storage = app.Service<StorageClients>();
        async Task<(string Eml, string ContentType)> Eml(string template)
        {
            var n = notifications.Single(x => x.Template == template);
            var blob = storage.OutboxBlobs.GetBlobClient($"{id}/{n.NotificationId}.eml");
            var content = (await blob.DownloadContentAsync()).Value;
            return (content.Content.ToString(), content.Details.ContentType);
        }

        var (part6, type) = await Eml("uc452-part6");
        Assert.Equal("message/rfc822", type);
        Assert.Contains("MIME-Version: 1.0\r\n", part6);
        Assert.Matches(@"Message-ID: <[^>\s]+@provider\.example>\r\n", part6);
        Assert.Contains("Content-Type: multipart/alternative; boundary=", part6);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", part6);
        Assert.Contains("Content-Type: text/html; charset=utf-8", part6);
        Assert.Contains("SES Main Provision (SESMP)", part6);
        Assert.Contains("16 March 2026", part6);
        Assert.Contains("12 March 2027", part6);

        var (part8a, _) = await Eml("uc452-part8a");
        Assert.Contains("6 March 2026", part8a);
        Assert.Contains("Chose another programme", part8a);
        var (exit, _) = await Eml("customer-exit-note");
        Assert.Contains("To: coach@jcp.example", exit);
        Assert.Contains("Chose another programme", exit);
        foreach (var eml in new[] { part6, part8a, exit })
        {
            foreach (var word in new[] { "Quernsby", "Adaline", "JG103759A", "07700 900461", "Harrowgate", "LS1 4AB", "disab" })
            {
                Assert.DoesNotContain(word, eml, StringComparison.OrdinalIgnoreCase);
            }
        }
    }
}
