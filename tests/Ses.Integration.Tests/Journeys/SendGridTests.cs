using Ses.Infrastructure.Outbox;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>The real SendGrid client against a local stand-in of /v3/mail/send on 127.0.0.1.</summary>
public sealed class SendGridTests : SendGridAppTest
{
    [Fact]
    public async Task Answers_429_and_500_are_retried_and_the_attempts_are_visible()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        SendGrid.FailNext(429, 500);
        await App.AdvanceAsync("P5D");

        var notification = Assert.Single((await Referrals.GetAsync(App.Client(SesApp.ProviderAKey), $"/api/journeys/{id}/notifications")).EnumerateArray());
        Assert.Equal("ucpr1-chase", notification.GetProperty("template").GetString());
        Assert.Equal("sent", notification.GetProperty("status").GetString());
        Assert.Equal(3, notification.GetProperty("attempts").GetInt32());
        Assert.Equal(3, SendGrid.Requests);
        Assert.Equal("Bearer SG.test-key", Assert.Single(SendGrid.Accepted).Authorization);
    }

    [Fact]
    public async Task A_notification_that_keeps_failing_is_marked_failed_after_the_last_attempt()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        SendGrid.FailNext(500, 500, 500, 500, 500);
        await App.AdvanceAsync("P5D");

        var notification = Assert.Single(await App.Service<Ses.Infrastructure.Journeys.JourneyStore>().NotificationsAsync(id));
        Assert.Equal(Notification.Failed, notification.Status);
        Assert.Equal(5, notification.Attempts);
        Assert.Empty(SendGrid.Accepted);
    }

    [Fact]
    public async Task Without_an_API_key_emails_are_kept_as_eml_blobs_and_marked_not_sent()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        await app.AdvanceAsync("P5D");

        var notification = Assert.Single(await app.Service<Ses.Infrastructure.Journeys.JourneyStore>().NotificationsAsync(id));
        Assert.Equal(Notification.NotSent, notification.Status);
        var storage = app.Service<Ses.Infrastructure.Storage.StorageClients>();
        var blob = storage.OutboxBlobs.GetBlobClient($"{id}/{notification.NotificationId}.eml");
        var eml = (await blob.DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("To: spoc@jcp.example", eml);
        Assert.Contains($"Subject: {notification.Subject}", eml);
    }
}
