using System.Net;
using Polly;
using Polly.Timeout;
using SendGrid;
using SendGrid.Helpers.Mail;
using Ses.Infrastructure.Outbox;

namespace Ses.Infrastructure.Email;

/// <summary>
/// One attempt through the real SendGrid client, bounded by <c>Outbox:SendTimeout</c> (Polly's timeout strategy). The
/// notification ID travels as a custom argument and header, a stable idempotency key for the receiving side.
/// </summary>
public sealed class SendGridEmailSender : IEmailSender
{
    private readonly SendGridClient _client;
    private readonly SendGridOptions _options;
    private readonly ResiliencePipeline _timeout;

    public SendGridEmailSender(SendGridOptions options, OutboxOptions outbox, HttpClient http)
    {
        _options = options;
        var clientOptions = new SendGridClientOptions { ApiKey = options.ApiKey };
        if (!string.IsNullOrWhiteSpace(options.Host)) clientOptions.Host = options.Host;
        // The per-send timeout is ours; the HttpClient's own must never be the one that fires first.
        http.Timeout = Timeout.InfiniteTimeSpan;
        _client = new SendGridClient(http, clientOptions);
        _timeout = new ResiliencePipelineBuilder().AddTimeout(outbox.SendTimeout).Build();
    }

    public async Task<SendOutcome> SendAsync(Notification notification, CancellationToken ct)
    {
        var message = new SendGridMessage
        {
            From = new EmailAddress(_options.From), Subject = notification.Subject, PlainTextContent = notification.Body, HtmlContent = notification.HtmlBody,
        };
        foreach (var to in notification.To) message.AddTo(new EmailAddress(to));
        message.AddCustomArg("notificationId", notification.NotificationId);
        message.AddHeader("X-Idempotency-Key", notification.NotificationId);
        // The same Message-ID on every attempt: a resend after an unanswered attempt is recognisably the same email.
        message.AddHeader("Message-ID", MessageId(notification.NotificationId));
        try
        {
            var response = await _timeout.ExecuteAsync(async token => await _client.SendEmailAsync(message, token), ct);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new SendOutcome(SendResult.Sent);
            var error = $"SendGrid answered {status}.";
            return response.StatusCode == HttpStatusCode.TooManyRequests || status >= 500
                ? new SendOutcome(SendResult.Transient, error, RetryAfter(response))
                : new SendOutcome(SendResult.Permanent, error);
        }
        catch (TimeoutRejectedException)
        {
            return new SendOutcome(SendResult.Transient, "SendGrid did not answer within the send timeout.", Unanswered: true);
        }
        catch (HttpRequestException ex)
        {
            // Refused or unresolved: the request never left. Anything else may have reached SendGrid before it broke.
            var neverSent = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;
            return new SendOutcome(SendResult.Transient, $"SendGrid unreachable: {ex.HttpRequestError}.", Unanswered: !neverSent);
        }
    }

    /// <summary>RFC 5322 Message-ID from the notification ID (letters, digits, '-', '.', '~').</summary>
    public static string MessageId(string notificationId) => $"<{notificationId}@ses-journeys.invalid>";

    private static TimeSpan? RetryAfter(Response response)
    {
        var header = response.Headers?.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        return null;
    }
}
