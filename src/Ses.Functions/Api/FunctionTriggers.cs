using System.Text.Json.Serialization;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Timers;

namespace Ses.Functions.Api;

/// <summary>
/// Non-HTTP triggers of the Functions custom handler: the host POSTs an invocation to <c>/{FunctionName}</c> and reads
/// back <c>Outputs</c>, <c>Logs</c> and <c>ReturnValue</c>. Only the local Functions host may call them.
/// </summary>
public static class FunctionTriggers
{
    /// <summary>The custom handler response payload, with the host's own (PascalCase) names.</summary>
    public sealed record InvocationResult(
        [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
        [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
        [property: JsonPropertyName("ReturnValue")] object? ReturnValue);

    public static void MapFunctionTriggers(this IEndpointRouteBuilder app)
    {
        app.MapPost("/TimerDispatch", async (HttpContext context, TimerDispatcher timers, OutboxSender outbox, CancellationToken ct) =>
        {
            if (context.Connection.RemoteIpAddress is { } ip && !System.Net.IPAddress.IsLoopback(ip)) return Results.NotFound();
            var fired = await timers.RunDueAsync(ct);
            var sent = 0;
            for (int n; (n = await outbox.RunOnceAsync(ct)) > 0;) sent += n;
            return Results.Ok(new InvocationResult([], [$"fired {fired} timer(s), handled {sent} email(s)"], null));
        }).ExcludeFromDescription().AllowAnonymous();
    }
}
