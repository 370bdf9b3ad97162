using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ses.Integration.Tests.Infrastructure;

/// <summary>
/// A local stand-in for SendGrid's <c>POST /v3/mail/send</c> on 127.0.0.1, spoken to by the real SendGrid client.
/// Answers 202 unless told to fail the next requests with given status codes.
/// </summary>
public sealed class FakeSendGrid : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _failures = new();

    public sealed record Received(string NotificationId, IReadOnlyList<string> To, string Subject, string Body, string Authorization);

    public ConcurrentQueue<Received> Accepted { get; } = new();
    public int Requests => _requests;

    /// <summary>How long each answer takes, as a loaded SendGrid would.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When each request arrived (real time), to check backoff and Retry-After.</summary>
    public ConcurrentQueue<DateTimeOffset> RequestTimes { get; } = new();

    /// <summary>Notification IDs accepted more than once: emails done twice.</summary>
    public IReadOnlyList<string> Duplicates => Accepted.GroupBy(r => r.NotificationId).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
    private int _requests;

    private FakeSendGrid(WebApplication app) => _app = app;

    public string BaseUrl => _app.Urls.First();

    public static async Task<FakeSendGrid> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSendGrid(app);
        app.MapPost("/v3/mail/send", (Func<HttpContext, Task<IResult>>)fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    /// <summary>The next requests get these status codes (429, 500, ...), in order.</summary>
    public void FailNext(params int[] statuses)
    {
        foreach (var s in statuses) _failures.Enqueue(s);
    }

    private volatile Outage? _outage;

    /// <summary>An outage: every request answers <paramref name="status"/> (with Retry-After when given) until <see cref="Recover"/>.</summary>
    public void FailAll(int status, int? retryAfterSeconds = null) => _outage = new Outage(status, retryAfterSeconds, null);

    /// <summary>SendGrid hangs: requests get no answer until <see cref="Recover"/> (or the client gives up).</summary>
    public void Hang() => _outage = new Outage(0, null, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Back to 202 for every request; hanging requests are released with a 503, as a restarted service would.</summary>
    public void Recover()
    {
        var outage = _outage;
        _outage = null;
        outage?.Released?.TrySetResult();
    }

    /// <summary>Requests that got no answer or an error because of an outage.</summary>
    public int Refused => _refused;
    private int _refused;

    /// <summary>Requests in progress right now (hanging ones included).</summary>
    public int InProgress => _inProgress;
    private int _inProgress;

    private sealed record Outage(int Status, int? RetryAfterSeconds, TaskCompletionSource? Released);

    /// <summary>Completes once at least <paramref name="count"/> emails have been accepted.</summary>
    public Task WaitForAcceptedAsync(int count, TimeSpan timeout)
    {
        var waiter = new Waiter(count);
        lock (_waiters)
        {
            if (Accepted.Count >= count) return Task.CompletedTask;
            _waiters.Add(waiter);
        }
        return waiter.Done.Task.WaitAsync(timeout);
    }

    private sealed record Waiter(int Count)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly List<Waiter> _waiters = [];

    public IReadOnlyList<Received> For(string notificationId) => Accepted.Where(r => r.NotificationId == notificationId).ToArray();

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _inProgress);
        try
        {
            return await AnswerAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inProgress);
        }
    }

    private async Task<IResult> AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        Interlocked.Increment(ref _requests);
        RequestTimes.Enqueue(DateTimeOffset.UtcNow);
        if (_failures.TryDequeue(out var status)) return Results.StatusCode(status);
        if (_outage is { } outage)
        {
            Interlocked.Increment(ref _refused);
            if (outage.Released is { } released)
            {
                await released.Task.WaitAsync(context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.StatusCode(503);
            }
            if (outage.RetryAfterSeconds is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.StatusCode(outage.Status);
        }
        using var doc = await JsonDocument.ParseAsync(request.Body);
        if (Latency > TimeSpan.Zero)
        {
            // A request whose client died before the answer is not delivered: SendGrid never accepted it.
            try
            {
                await Task.Delay(Latency, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.StatusCode(499);
            }
        }
        var root = doc.RootElement;
        var personalization = root.GetProperty("personalizations")[0];
        var to = personalization.GetProperty("to").EnumerateArray().Select(t => t.GetProperty("email").GetString()!).ToArray();
        var id = root.TryGetProperty("custom_args", out var args) && args.TryGetProperty("notificationId", out var n) ? n.GetString()!
            : personalization.TryGetProperty("custom_args", out var pargs) ? pargs.GetProperty("notificationId").GetString()! : "";
        var body = root.GetProperty("content")[0].GetProperty("value").GetString()!;
        Accepted.Enqueue(new Received(id, to, root.GetProperty("subject").GetString()!, body, request.Headers.Authorization.ToString()));
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => Accepted.Count >= w.Count).ToArray())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
        return Results.StatusCode(202);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
