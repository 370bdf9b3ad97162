using Ses.Infrastructure.Storage;

namespace Ses.Http.Hosting;

/// <summary>
/// Storage that cannot be reached, or does not answer within its request timeout, is a 503 with Retry-After (SPEC 5),
/// never a 500 and never a hang: about 5 s with the default <c>Storage:RequestTimeout</c>.
/// </summary>
public sealed class StorageUnavailableMiddleware(RequestDelegate next, ILogger<StorageUnavailableMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (ex is not BadHttpRequestException // the client's body broke, not storage
            && StorageFailures.IsUnreachable(ex, context.RequestAborted) && !context.Response.HasStarted)
        {
            log.LogWarning("Storage unreachable while handling {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, ex.GetType().Name);
            context.Response.Clear();
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "5";
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 503, Title = "Storage is unreachable.", Detail = "Storage did not answer in time. Try again shortly; send events with an eventId so a request that did reach storage is never applied twice." },
            });
        }
    }
}
