using Ses.Infrastructure.Outbox;

namespace Ses.Journeys.Tests;

/// <summary>The send rounds both the commit activity and the orchestration use: retries kept, failures' alerts sent at once.</summary>
public sealed class DeliveryRoundsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static Delivery Email(string id, string template = "ucpr1-chase") => new(
        new Notification(Notification.IdFor("j-1", id), "j-1", template, ["x@example.org"], "s", "b", NotificationStatus.Queued, 0, Now, null, null),
        null, Now);

    [Fact]
    public async Task Sends_each_due_email_once_keeps_retries_and_sends_failures_alerts_in_the_same_call()
    {
        var sent = new List<string>();
        var left = await DeliveryRounds.SendAsync([Email("a"), Email("b"), Email("c")], d =>
        {
            sent.Add(d.Notification.Template + ":" + d.Notification.NotificationId);
            var id = d.Notification.NotificationId;
            var result = d.Notification.Template == Notification.AlertTemplate ? new SendEmailResult("j-1", DeliveryState.Failed, null, null)
                : id.EndsWith('b') ? new SendEmailResult("j-1", DeliveryState.Retry, d with { NextAttemptAt = Now.AddMinutes(1) }, null)
                : id.EndsWith('c') ? new SendEmailResult("j-1", DeliveryState.Failed, null, Email("alert-c", Notification.AlertTemplate).Notification)
                : new SendEmailResult("j-1", DeliveryState.Done, null, null);
            return Task.FromResult(result);
        }, Now);

        Assert.Equal(4, sent.Count);
        Assert.Equal(3, sent.Distinct().Count(s => !s.StartsWith(Notification.AlertTemplate)));
        Assert.Contains($"{Notification.AlertTemplate}:{Notification.IdFor("j-1", "alert-c")}", sent);
        var retry = Assert.Single(left);
        Assert.EndsWith("b", retry.Notification.NotificationId);
        Assert.Equal(Now.AddMinutes(1), retry.NextAttemptAt);
    }

    [Fact]
    public async Task Ends_even_if_every_send_raises_an_alert_and_keeps_the_unsent_ones()
    {
        var calls = 0;
        var left = await DeliveryRounds.SendAsync([Email("a")], d =>
        {
            calls++;
            return Task.FromResult(new SendEmailResult("j-1", DeliveryState.Failed, null, Email($"alert-{calls}", Notification.AlertTemplate).Notification));
        }, Now);

        Assert.Equal(3, calls);
        var kept = Assert.Single(left);
        Assert.Equal(Now, kept.NextAttemptAt);
    }
}
