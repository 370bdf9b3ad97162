using Microsoft.AspNetCore.Http.HttpResults;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;

namespace Ses.Http.Api;

/// <summary>RFC 9457 problem details for every error the API gives (SPEC 5).</summary>
public static class Problems
{
    public static ProblemHttpResult Status(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);

    public static ValidationProblem Validation(IEnumerable<FieldError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: "The request is not valid.");

    public static ValidationProblem Validation(string field, string message) => Validation([new FieldError(field, message)]);

    public static ProblemHttpResult NotFound(string id) => Status(404, "Not found.", $"There is no journey '{id}' that you can see.");

    public static ProblemHttpResult Rejected(Rejection rejection) => rejection.Kind switch
    {
        RejectionKind.NotAllowed => Status(409, "The event is not allowed now.", rejection.Message,
            new Dictionary<string, object?> { ["allowedEvents"] = rejection.AllowedEvents }),
        RejectionKind.BusinessRule => Status(422, "A business rule refuses the event.", rejection.Message),
        RejectionKind.NotFound => Status(404, "Not found.", rejection.Message),
        RejectionKind.Forbidden => Status(403, "Not for this role.", rejection.Message),
        _ => Status(409, "Conflict.", rejection.Message),
    };

    public static ProblemHttpResult UnsupportedMediaType(string expected) =>
        Status(415, "Unsupported media type.", $"Send {expected}.");
}
