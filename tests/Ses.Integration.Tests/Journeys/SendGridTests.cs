using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Journeys;

/// <summary>The real SendGrid client against a local stand-in of /v3/mail/send on 127.0.0.1, failing as SendGrid fails.</summary>
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

    [Fact] // SendGrid's Retry-After is a floor under the backoff; meanwhile operators see the email as retrying
    public async Task Retry_After_is_honoured_and_a_retrying_email_is_listed_for_operators()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(id));
        SendGrid.FailAll(429, retryAfterSeconds: 2);
        var move = await App.AdvanceAsync("P5D");
        Assert.False(move.GetProperty("emailsDelivered").GetBoolean());

        var ops = App.Client(SesApp.OperatorKey);
        var retrying = Assert.Single((await Referrals.GetAsync(ops, "/api/notifications?status=retrying")).GetProperty("items").EnumerateArray());
        Assert.Equal(id, retrying.GetProperty("journeyId").GetString());
        Assert.Contains("429", retrying.GetProperty("lastError").GetString());
        var stored = Assert.Single(await App.Service<JourneyStore>().NotificationsAsync(id));
        Assert.Equal(NotificationStatus.Retrying, stored.Status);
        Assert.InRange(stored.NextAttemptAt!.Value - SendGrid.RequestTimes.Last(), TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(3));

        SendGrid.Recover();
        Assert.True(await App.EmailsSettledAsync(id, TimeSpan.FromSeconds(10)));
        var times = SendGrid.RequestTimes.ToArray();
        for (var i = 1; i < times.Length; i++) Assert.True(times[i] - times[i - 1] >= TimeSpan.FromSeconds(1.9), $"attempt {i + 1} came {times[i] - times[i - 1]} after the one before");
        var sent = Assert.Single(await App.Service<JourneyStore>().NotificationsAsync(id));
        Assert.Equal(NotificationStatus.Sent, sent.Status);
        Assert.Single(SendGrid.Accepted);
        Assert.Empty((await Referrals.GetAsync(ops, "/api/notifications?status=retrying")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Without_an_API_key_emails_are_kept_as_eml_blobs_and_marked_not_sent()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        await app.AdvanceAsync("P5D");

        var notification = Assert.Single(await app.Service<JourneyStore>().NotificationsAsync(id));
        Assert.Equal(NotificationStatus.NotSent, notification.Status);
        var storage = app.Service<Ses.Infrastructure.Storage.StorageClients>();
        var blob = storage.OutboxBlobs.GetBlobClient($"{id}/{notification.NotificationId}.eml");
        var eml = (await blob.DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("To: spoc@jcp.example", eml);
        Assert.Contains($"Subject: {notification.Subject}", eml);
    }
}

/// <summary>An outage longer than the retry horizon (shortened here): failed, alerted, listed, and resent by an operator.</summary>
public sealed class RetryHorizonTests : IAsyncLifetime
{
    private FakeSendGrid _sendGrid = null!;
    private SesApp _app = null!;

    public async Task InitializeAsync()
    {
        _sendGrid = await FakeSendGrid.StartAsync();
        _app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero), _sendGrid.BaseUrl,
            new Dictionary<string, string?> { ["Outbox:RetryHorizon"] = "00:00:01.500", ["Outbox:ClockMoveWait"] = "00:00:05" });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sendGrid.DisposeAsync();
    }

    [Fact]
    public async Task An_outage_past_the_horizon_fails_the_email_alerts_the_provider_and_an_operator_resends_it_once()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        _sendGrid.FailAll(500);
        await _app.AdvanceAsync("P5D");
        await _app.EmailsSettledAsync(id, TimeSpan.FromSeconds(10));

        var store = _app.Service<JourneyStore>();
        var emails = await store.NotificationsAsync(id);
        var chase = Assert.Single(emails, n => n.Template == "ucpr1-chase");
        Assert.Equal(NotificationStatus.Failed, chase.Status);
        Assert.True(chase.Attempts >= 2, $"{chase.Attempts} attempts: it must have retried before giving up");
        var alert = Assert.Single(emails, n => n.Template == Notification.AlertTemplate);
        Assert.Equal(["staff@prov-a.example"], alert.To);
        Assert.Contains(id, alert.Subject);
        Assert.DoesNotContain("Quernsby", alert.Body);

        var ops = _app.Client(SesApp.OperatorKey);
        var failed = (await Referrals.GetAsync(ops, "/api/notifications?status=failed")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Contains(failed, f => f.GetProperty("notificationId").GetString() == chase.NotificationId);
        Assert.Empty(_sendGrid.Accepted);

        _sendGrid.Recover();
        var resend = await ops.PostAsync($"/api/journeys/{id}/notifications/{chase.NotificationId}/resend", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        var again = await ops.PostAsync($"/api/journeys/{id}/notifications/{chase.NotificationId}/resend", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // queued now: not resendable twice
        Assert.True(await _app.EmailsSettledAsync(id, TimeSpan.FromSeconds(10)));

        Assert.Single(_sendGrid.For(chase.NotificationId));
        var resent = Assert.Single(await store.NotificationsAsync(id), n => n.Template == "ucpr1-chase");
        Assert.Equal(NotificationStatus.Sent, resent.Status);
        Assert.Equal(1, resent.Resends);
        Assert.DoesNotContain((await Referrals.GetAsync(ops, "/api/notifications?status=failed")).GetProperty("items").EnumerateArray(),
            f => f.GetProperty("notificationId").GetString() == chase.NotificationId);
        Assert.Equal(HttpStatusCode.Conflict, (await ops.PostAsync($"/api/journeys/{id}/notifications/{chase.NotificationId}/resend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsync($"/api/journeys/{id}/notifications/{id}.n-99999999-000/resend", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await _app.Client(SesApp.ProviderAKey).PostAsync($"/api/journeys/{id}/notifications/{chase.NotificationId}/resend", null)).StatusCode);
    }

    [Fact]
    public async Task The_failures_view_needs_a_known_status()
    {
        var ops = _app.Client(SesApp.OperatorKey);
        foreach (var query in new[] { "", "?status=sent", "?status=FAILED", "?status=failed&pageSize=0", "?status=failed&continuationToken=x%00y" })
        {
            var response = await ops.GetAsync($"/api/notifications{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}

/// <summary>An upgrade in the middle of delivery: rows the previous release wrote are carried on.</summary>
