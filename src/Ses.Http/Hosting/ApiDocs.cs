using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;
using Ses.Http.Auth;

namespace Ses.Http.Hosting;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and the API page (<c>/scalar/v1</c>). Open by default (local runs);
/// with <c>Docs:RequireKey=true</c> (set in Azure by infra/main.bicep) both need a valid API key of any role, in the
/// <c>x-functions-key</c> header or, so that a browser can open the page, the <c>code</c> query parameter (the Functions
/// convention). The page opened with <c>?code=</c> fetches the document with the same code. The page's script and style
/// assets (the public Scalar bundle) stay open.
/// </summary>
public static class ApiDocs
{
    public static void MapApiDocs(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var requireKey = configuration.GetValue("Docs:RequireKey", false);
        var document = app.MapOpenApi().AllowAnonymous();
        var page = app.MapScalarApiReference((options, context) =>
        {
            if (requireKey && SuppliedCode(context) is { } code)
            {
                options.WithOpenApiRoutePattern("/openapi/{documentName}.json?code=" + Uri.EscapeDataString(code));
            }
        }).AllowAnonymous();
        if (!requireKey) return;
        foreach (var builder in new[] { document, page })
        {
            builder.Add(endpoint =>
            {
                // Only the document and the page itself ({documentName}); not the page's static assets.
                if (endpoint is not RouteEndpointBuilder route || !(route.RoutePattern.RawText ?? "").Contains("{documentName", StringComparison.Ordinal)) return;
                var next = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = async context =>
                {
                    var supplied = context.Request.Headers[ApiKeyHandler.Header].ToString() is { Length: > 0 } header ? header : SuppliedCode(context);
                    if (supplied is null || ApiKeyHandler.Find(configuration, supplied).Entry is null)
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        context.Response.Headers.WWWAuthenticate = ApiKeyHandler.Header;
                        return;
                    }
                    await next(context);
                };
            });
        }
    }

    private static string? SuppliedCode(HttpContext context) =>
        context.Request.Query["code"].ToString() is { Length: > 0 } code ? code : null;
}
