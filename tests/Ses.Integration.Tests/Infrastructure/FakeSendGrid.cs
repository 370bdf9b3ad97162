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
        app.MapPost("/v3/mail/send", fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    /// <summary>The next requests get these status codes (429, 500, ...), in order.</summary>
    public void FailNext(params int[] statuses)
    {
        foreach (var s in statuses) _failures.Enqueue(s);
    }

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

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _requests);
        if (_failures.TryDequeue(out var status)) return Results.StatusCode(status);
        using var doc = await JsonDocument.ParseAsync(request.Body);
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
