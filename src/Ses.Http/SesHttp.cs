using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.FileProviders;
using Ses.Http.Api;
using Ses.Http.Auth;
using Ses.Http.Hosting;

namespace Ses.Http;

/// <summary>
/// The HTTP side of the product, the same in both hosts (ADR 011): its services, the pipeline every request goes through
/// and the endpoints. The local host calls these on its WebApplication; the Functions app builds the same pipeline and
/// endpoints once and runs them from its HTTP functions (src/Ses.FunctionApp/HttpFunctions.cs).
/// </summary>
public static class SesHttp
{
    /// <summary>The largest request body taken (a document upload of 10 MB, base64, with its JSON around it).</summary>
    public const long MaxRequestBodySize = 12 * 1024 * 1024;

    /// <summary>The product's services (SPEC 8 configuration, storage, journeys) and the HTTP API's.</summary>
    public static IServiceCollection AddSesHttp(this IServiceCollection services, IConfiguration config)
    {
        services.AddSes(config);
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => Ses.Infrastructure.Storage.Json.Configure(o.SerializerOptions));
        services.AddAuthentication(ApiKeyHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
        services.AddAuthorization(Policies.Add);
        services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiSecurity>());
        return services;
    }

    /// <summary>
    /// What every request goes through before its endpoint, in this order: security headers, problem details for what
    /// throws, 503 with Retry-After while storage does not answer, the console's files (<paramref name="webRoot"/>),
    /// then the API key and the endpoint's policy.
    /// </summary>
    public static IApplicationBuilder UseSesPipeline(this IApplicationBuilder app, IFileProvider webRoot)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<StorageUnavailableMiddleware>();
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = webRoot });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = webRoot });
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Every endpoint: the API document and page, and the API under <c>/api</c> (SPEC 5).</summary>
    public static IEndpointRouteBuilder MapSes(this IEndpointRouteBuilder routes, IConfiguration config)
    {
        routes.MapApiDocs(config);
        var api = routes.MapGroup("/api");
        api.MapHealth();
        api.MapReferrals();
        api.MapJourneys();
        api.MapCaseload();
        api.MapEvents();
        api.MapNotifications();
        api.MapTasks();
        api.MapDocuments();
        api.MapReports();
        api.MapAdmin();
        return routes;
    }

    /// <summary>
    /// What a host does once its services are built: create the tables and containers and restore the virtual clock, or
    /// warn (and answer 503 until storage is back) when storage does not answer; warn when emails are kept, not sent.
    /// </summary>
    public static async Task StartAsync(IServiceProvider services, ILogger log)
    {
        try
        {
            await services.GetRequiredService<Ses.Infrastructure.Storage.StorageClients>().EnsureCreatedAsync();
            if (services.GetService<Ses.Journeys.JourneyClock>() is { } clock) await clock.RestoreAsync();
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException or Azure.Identity.AuthenticationFailedException)
        {
            log.LogWarning("Storage is unreachable at start-up ({Error}); requests will answer 503 until it is back.", ex.GetType().Name);
        }
        if (string.IsNullOrWhiteSpace(services.GetRequiredService<Ses.Infrastructure.Email.SendGridOptions>().ApiKey))
        {
            log.LogWarning("SendGrid:ApiKey is not set: emails are kept as .eml files in the outbox container and marked not-sent.");
        }
    }
}
