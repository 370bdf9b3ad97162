using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Http.Api;

namespace Ses.Http.Hosting;

/// <summary>
/// Writes the documented input limits into the OpenAPI schemas as <c>maxLength</c>: the referral fields' own limits,
/// the free-text limit on every text field of an event and on the terminate reason, and <c>eventId</c> (read beside
/// the event's own fields) on every event.
/// </summary>
public sealed class OpenApiLimits : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(ReferralInput)) Limit(schema, name => ReferralLimits.MaxLength.GetValueOrDefault(name));
        else if (type == typeof(ParticipantInput)) Limit(schema, name => ReferralLimits.MaxLength.GetValueOrDefault($"participant.{name}"));
        else if (type == typeof(ContactInput)) Limit(schema, name => ReferralLimits.MaxLength.GetValueOrDefault($"contact.{name}"));
        else if (type == typeof(TerminateRequest) || type == typeof(Ucpr1Content)) Limit(schema, _ => InputLimits.FreeText);
        else if (type.IsSubclassOf(typeof(ReportedEvent)))
        {
            Limit(schema, name => name == "type" ? 0 : InputLimits.FreeText);
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["eventId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, MinLength = 1, MaxLength = InputLimits.EventId,
                Description = "Optional idempotency key: the same eventId with the same event is recorded once.",
            };
        }
        return Task.CompletedTask;
    }

    private static void Limit(OpenApiSchema schema, Func<string, int> limitOf)
    {
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (property is OpenApiSchema text && text.Type is { } kind && kind.HasFlag(JsonSchemaType.String) && limitOf(name) is > 0 and var max)
            {
                text.MaxLength = max;
            }
        }
    }
}
