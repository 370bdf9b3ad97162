using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Ses.Http.Hosting;

/// <summary>
/// A request body Kestrel cannot deliver (shorter than its Content-Length, arriving too slowly, broken chunked framing,
/// over the size limit) surfaces as <see cref="BadHttpRequestException"/> while the endpoint reads it. It is the
/// client's fault, so it is a 400 (413 when too large) problem naming the body, never a 500; nothing was read, so
/// nothing changed. A query parameter that does not bind to its type (<c>overdue=maybe</c>, <c>pageSize=abc</c>; minimal APIs
/// throw with <c>RouteHandlerOptions.ThrowOnBadRequest</c>) is a 400 naming that parameter in words, not its .NET type.
/// </summary>
public sealed partial class BadRequestBodyHandler(IProblemDetailsService problems, ILogger<BadRequestBodyHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted) return false;
        var status = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest;
        log.LogInformation("Unreadable request body on {Method} {Path}: {Status} from Kestrel's {KestrelStatus}.",
            context.Request.Method, context.Request.Path, status, bad.StatusCode);
        context.Response.StatusCode = status;
        if (BindFailure().Match(bad.Message) is { Success: true } parameter)
        {
            var name = parameter.Groups[2].Value;
            var type = parameter.Groups[1].Value.ToLowerInvariant(); // "bool?", "Nullable<bool>", "Int32"...
            // The same words as for a body's fields (BindingErrors.Expected): one vocabulary for the wire's shapes.
            var expected = type.Contains("bool", StringComparison.Ordinal) ? Api.BindingErrors.Expected(typeof(bool))
                : type.Contains("int", StringComparison.Ordinal) || type.Contains("long", StringComparison.Ordinal) ? Api.BindingErrors.Expected(typeof(int))
                : "a value of the kind the API document (/openapi/v1.json) gives";
            return await WriteAsync(context, exception, 400, "The request is not valid.", name, $"{name} must be {expected}.");
        }
        var message = bad.StatusCode == StatusCodes.Status408RequestTimeout
            ? "The body did not arrive: fewer bytes than its Content-Length were sent, or they came too slowly."
            : $"The body could not be read: {bad.Message}";
        return await WriteAsync(context, exception, status, status == 400 ? "The request body is incomplete or malformed." : "The body is too large.", "body", message);
    }

    private async ValueTask<bool> WriteAsync(HttpContext context, Exception exception, int status, string title, string field, string message)
    {
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Status = status, Title = title },
        });
    }

    [GeneratedRegex("^Failed to bind parameter \"(\\S+) (\\w+)\" from ")]
    private static partial Regex BindFailure();
}
