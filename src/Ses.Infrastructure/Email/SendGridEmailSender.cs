using System.Net;
using Polly;
using Polly.Retry;
using SendGrid;
using SendGrid.Helpers.Mail;
using Ses.Infrastructure.Outbox;

namespace Ses.Infrastructure.Email;

/// <summary>
/// Sends through the real SendGrid client. 429 and 5xx answers (and network failures) are retried with exponential
/// backoff and jitter. The notification ID travels as a custom argument and header, a stable idempotency key for the
/// receiving side.
/// </summary>
public sealed class SendGridEmailSender : IEmailSender
{
    private readonly SendGridClient _client;
    private readonly SendGridOptions _options;
    private readonly ResiliencePipeline<Response> _pipeline;

    public SendGridEmailSender(SendGridOptions options, HttpClient http)
    {
        _options = options;
        var clientOptions = new SendGridClientOptions { ApiKey = options.ApiKey };
        if (!string.IsNullOrWhiteSpace(options.Host)) clientOptions.Host = options.Host;
        _client = new SendGridClient(http, clientOptions);
        _pipeline = new ResiliencePipelineBuilder<Response>()
            .AddRetry(new RetryStrategyOptions<Response>
            {
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldHandle = new PredicateBuilder<Response>()
                    .Handle<HttpRequestException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
            })
            .Build();
    }

    public async Task<(SendResult Result, int Attempts, string? Error)> SendAsync(Notification notification, CancellationToken ct)
    {
        var message = new SendGridMessage { From = new EmailAddress(_options.From), Subject = notification.Subject, PlainTextContent = notification.Body };
        foreach (var to in notification.To) message.AddTo(new EmailAddress(to));
        message.AddCustomArg("notificationId", notification.NotificationId);
        message.AddHeader("X-Idempotency-Key", notification.NotificationId);
        var attempts = 0;
        try
        {
            var response = await _pipeline.ExecuteAsync(async token =>
            {
                Interlocked.Increment(ref attempts);
                return await _client.SendEmailAsync(message, token);
            }, ct);
            return response.IsSuccessStatusCode
                ? (SendResult.Sent, attempts, null)
                : (SendResult.Failed, attempts, $"SendGrid answered {(int)response.StatusCode}.");
        }
        catch (HttpRequestException ex)
        {
            return (SendResult.Failed, attempts, $"SendGrid unreachable: {ex.Message}");
        }
    }
}
