using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Timers;

namespace Ses.Functions.Api;

/// <summary>
/// Non-HTTP triggers of the Functions custom handler (ADR 004). For a timer trigger the host POSTs an invocation to
/// <c>/{FunctionName}</c> (<c>{"Data": {"timer": …}, "Metadata": {"sys": …}}</c>) and reads back <c>Outputs</c>,
/// <c>Logs</c> and <c>ReturnValue</c>; a non-2xx answer fails the invocation.
/// <para>Only the Functions host may call them. The host forwards outside HTTP requests only on the routes of the HTTP
/// functions (<c>api/{*path}</c> and the site's fixed files, never <c>/TimerDispatch</c> or <c>/OutboxSend</c>); as a
/// second fence these routes also refuse (404) any request that is not from loopback or that carries the headers the
/// Azure front end adds to every outside request (a forwarded request keeps its headers).</para>
/// </summary>
public static class FunctionTriggers
{
    public const string TimerDispatch = "TimerDispatch";
    public const string OutboxSend = "OutboxSend";

    /// <summary>Headers the App Service front end adds to every request from outside; the host's own invocations have none.</summary>
    public static readonly string[] ForwardedHeaders =
        ["X-Forwarded-For", "X-Forwarded-Host", "X-Original-URL", "X-ARR-LOG-ID", "X-ARR-SSL", "Disguised-Host", "Client-IP", "Forwarded"];

    /// <summary>The custom handler response payload, with the host's own (PascalCase) names.</summary>
    public sealed record InvocationResult(
        [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
        [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
        [property: JsonPropertyName("ReturnValue")] object? ReturnValue);

    public static void MapFunctionTriggers(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + TimerDispatch, (HttpContext context, TimerDispatcher timers, CancellationToken ct) =>
            InvokeAsync(context, TimerDispatch, async () => $"fired {await timers.RunDueAsync(ct)} timer(s)"))
            .ExcludeFromDescription().AllowAnonymous();

        app.MapPost("/" + OutboxSend, (HttpContext context, OutboxSender outbox, CancellationToken ct) =>
            InvokeAsync(context, OutboxSend, async () =>
            {
                var handled = 0;
                for (int n; (n = await outbox.RunOnceAsync(ct)) > 0;) handled += n;
                return $"handled {handled} email(s)";
            }))
            .ExcludeFromDescription().AllowAnonymous();
    }

    /// <summary>True for a request the Functions host itself sent: from loopback (or in-process) and not forwarded from outside.</summary>
    public static bool IsFromHost(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is { } ip && !IPAddress.IsLoopback(ip)) return false;
        return !ForwardedHeaders.Any(context.Request.Headers.ContainsKey);
    }

    private static async Task<IResult> InvokeAsync(HttpContext context, string function, Func<Task<string>> work)
    {
        if (!IsFromHost(context)) return Results.NotFound();
        bool pastDue;
        try
        {
            using var payload = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var root = payload.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object ||
                !root.TryGetProperty("Metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
            {
                return Results.Problem(statusCode: 400, title: "Not a Functions invocation payload (Data and Metadata objects).");
            }
            pastDue = data.TryGetProperty("timer", out var timer) && timer.ValueKind == JsonValueKind.Object &&
                      timer.TryGetProperty("IsPastDue", out var due) && due.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return Results.Problem(statusCode: 400, title: "Not a Functions invocation payload (Data and Metadata objects).");
        }
        var done = await work();
        List<string> logs = [$"{function}: {done}"];
        if (pastDue) logs.Add($"{function}: the timer was past due");
        return Results.Json(new InvocationResult([], logs, null));
    }
}
