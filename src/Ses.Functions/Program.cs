using Microsoft.AspNetCore.Authentication;
using Ses.Functions.Api;
using Ses.Functions.Auth;
using Ses.Functions.Hosting;
using Ses.Infrastructure.Storage;

var builder = WebApplication.CreateBuilder(args);
if (!builder.Environment.IsEnvironment("Testing"))
{
    builder.Configuration.AddLocalSettings(builder.Environment.ContentRootPath);
    builder.Configuration.AddCommandLine(args);
}
// Under the Functions host the custom handler listens where the host tells it (host.json: customHandler).
if (Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } port)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
    // The host logs each line of the handler's console to Application Insights (Host.Function.Console): one line per entry.
    builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.UseUtcTimestamp = true; });
}

builder.Services.AddSes(builder.Configuration);
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
builder.Services.AddAuthentication(ApiKeyHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyHandler.SchemeName, null);
builder.Services.AddAuthorization(Policies.Add);
builder.Services.AddOpenApi(o => o.AddDocumentTransformer<OpenApiSecurity>());
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 12 * 1024 * 1024);

var app = builder.Build();
app.UseMiddleware<SecurityHeadersMiddleware>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMiddleware<StorageUnavailableMiddleware>();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();

app.MapApiDocs();
var api = app.MapGroup("/api");
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

try
{
    await app.Services.GetRequiredService<StorageClients>().EnsureCreatedAsync();
    if (app.Services.GetService<Ses.Journeys.JourneyClock>() is { } clock) await clock.RestoreAsync();
}
catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException or Azure.Identity.AuthenticationFailedException)
{
    app.Logger.LogWarning("Storage is unreachable at start-up ({Error}); requests will answer 503 until it is back.", ex.GetType().Name);
}
if (string.IsNullOrWhiteSpace(app.Services.GetRequiredService<Ses.Infrastructure.Email.SendGridOptions>().ApiKey))
{
    app.Logger.LogWarning("SendGrid:ApiKey is not set: emails are kept as .eml files in the outbox container and marked not-sent.");
}
app.Run();

public partial class Program;
