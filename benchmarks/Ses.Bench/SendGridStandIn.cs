using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Ses.Bench;

/// <summary>
/// SendGrid's <c>POST /v3/mail/send</c> on 127.0.0.1 (HTTP/1.1, as SendGrid speaks): reads the body and answers 202, so every
/// email the app sends really crosses HTTP. Counts what it accepted; nothing else.
/// </summary>
public sealed class SendGridStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _accepted;

    private SendGridStandIn(WebApplication app) => _app = app;

    public string BaseUrl => _app.Urls.First();
    public long Accepted => Interlocked.Read(ref _accepted);

    public static async Task<SendGridStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http1));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new SendGridStandIn(app);
        app.MapPost("/v3/mail/send", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            Interlocked.Increment(ref standIn._accepted);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.StartAsync();
        return standIn;
    }

    /// <summary>Waits until at least <paramref name="count"/> emails have been accepted; false on timeout.</summary>
    public async Task<bool> WaitForAsync(long count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Accepted < count)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(5);
        }
        return true;
    }

    /// <summary>Waits until no email has arrived for <paramref name="quiet"/> (emails of an earlier phase still going out).</summary>
    public async Task SettleAsync(TimeSpan quiet, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = Accepted;
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            var now = Accepted;
            if (now != last) { last = now; since = DateTime.UtcNow; }
            else if (DateTime.UtcNow - since >= quiet) return;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
