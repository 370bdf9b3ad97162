using Azure;

namespace Ses.Functions.Hosting;

/// <summary>Storage that cannot be reached is a 503 with Retry-After (SPEC 5), never a 500; nothing was changed.</summary>
public sealed class StorageUnavailableMiddleware(RequestDelegate next, ILogger<StorageUnavailableMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (IsUnreachable(ex) && !context.Response.HasStarted)
        {
            log.LogWarning("Storage unreachable while handling {Method} {Path}: {Error}", context.Request.Method, context.Request.Path, ex.GetType().Name);
            context.Response.Clear();
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "10";
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 503, Title = "Storage is unreachable.", Detail = "Nothing was changed. Try again shortly." },
            });
        }
    }

    private static bool IsUnreachable(Exception ex) => ex switch
    {
        RequestFailedException { Status: 0 or >= 500 } => true,
        HttpRequestException => true,
        Azure.Identity.AuthenticationFailedException => true, // no token for the storage account (managed identity)
        AggregateException agg => agg.InnerExceptions.Any(IsUnreachable),
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => ex.InnerException is { } inner && IsUnreachable(inner),
    };
}
