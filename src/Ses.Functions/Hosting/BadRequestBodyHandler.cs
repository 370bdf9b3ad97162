using Microsoft.AspNetCore.Diagnostics;

namespace Ses.Functions.Hosting;

/// <summary>
/// A request body Kestrel cannot deliver (shorter than its Content-Length, arriving too slowly, broken chunked framing,
/// over the size limit) surfaces as <see cref="BadHttpRequestException"/> while the endpoint reads it. It is the
/// client's fault, so it is a 400 (413 when too large) problem naming the body, never a 500; nothing was read, so
/// nothing changed.
/// </summary>
public sealed class BadRequestBodyHandler(IProblemDetailsService problems, ILogger<BadRequestBodyHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted) return false;
        var status = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
        log.LogInformation("Unreadable request body on {Method} {Path}: {Status} from Kestrel's {KestrelStatus}.",
            context.Request.Method, context.Request.Path, status, bad.StatusCode);
        context.Response.StatusCode = status;
        var message = bad.StatusCode == StatusCodes.Status408RequestTimeout
            ? "The body did not arrive: fewer bytes than its Content-Length were sent, or they came too slowly."
            : $"The body could not be read: {bad.Message}";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["body"] = [message] })
            {
                Status = status,
                Title = status == 400 ? "The request body is incomplete or malformed." : "The body is too large.",
            },
        });
    }
}
