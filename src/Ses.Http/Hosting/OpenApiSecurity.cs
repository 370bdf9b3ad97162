using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Ses.Http.Auth;

namespace Ses.Http.Hosting;

/// <summary>Declares the <c>x-functions-key</c> API key in the OpenAPI document, so the API page can send it.</summary>
public sealed class OpenApiSecurity : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "SES journeys API";
        document.Info.Description = "Referral intake, journey events, operator management and statistics for Specialist Employability Support.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyHandler.Header,
            Description = "An API key of role referral-system, provider, operator or nominated-officer.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyHandler.SchemeName, document)] = [] });
        return Task.CompletedTask;
    }
}
