using Ses.Infrastructure.Outbox;

namespace Ses.Journeys;

/// <summary>
/// Sending a step's emails, wherever it runs (the commit activity's first attempts, the orchestration's retries): one
/// attempt at each email due, all at once, then one at the alerts of those that failed for good (an alert that fails
/// raises none, so this ends). What is left is the emails to retry, each with its next attempt. Pure but for
/// <paramref name="send"/>, so the orchestration may run it.
/// </summary>
public static class DeliveryRounds
{
    private const int MostRounds = 3;

    public static async Task<List<Delivery>> SendAsync(
        IReadOnlyList<Delivery> due, Func<Delivery, Task<SendEmailResult>> send, DateTimeOffset alertsAt)
    {
        var left = new List<Delivery>();
        for (var round = 0; round < MostRounds && due.Count > 0; round++)
        {
            var results = await Task.WhenAll(due.Select(send));
            left.AddRange(results.Select(r => r.Next).OfType<Delivery>());
            due = results.Select(r => r.Alert).OfType<Notification>().Select(alert => new Delivery(alert, null, alertsAt)).ToList();
        }
        left.AddRange(due);
        return left;
    }
}
