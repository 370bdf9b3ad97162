using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Ses.FunctionApp;

/// <summary>
/// One HTTP function per route and method of the shared API (ADR 011), each with the route template the local host maps
/// (<see cref="HttpPipeline.Route"/>) and a durable client, running the request through <see cref="HttpPipeline"/>: the
/// endpoint the local host would choose, with the same parameter binding, API key and policy, problem details and 503s. Anonymous at the
/// Functions level: the product's own keys (with their roles and providers, header <c>x-functions-key</c>) are checked
/// by the pipeline, as locally. <c>FunctionAppTests</c> keeps this list and the local host's endpoints the same.
/// </summary>
public static class HttpFunctions
{
    /// <summary>The console's files (the local host's static files): index.html at the root, the scripts and style.</summary>
    public const string SiteRoute = @"{file:regex(^(index\.html|dashboard\.css|console-[a-z]+\.js|chart\.umd\.min\.js)$)?}";

    [Function("GetOpenApiDocument")]
    public static Task<IActionResult> GetOpenApiDocument([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/{documentName}.json")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetApiPage")]
    public static Task<IActionResult> GetApiPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scalar/{documentName?}")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetApiPageScript")]
    public static Task<IActionResult> GetApiPageScript([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scalar/scalar.js")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetApiPageAspNetCoreScript")]
    public static Task<IActionResult> GetApiPageAspNetCoreScript([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scalar/scalar.aspnetcore.js")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetApiPageIcon")]
    public static Task<IActionResult> GetApiPageIcon([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scalar/favicon.svg")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetHealth")]
    public static Task<IActionResult> GetHealth([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetReadiness")]
    public static Task<IActionResult> GetReadiness([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health/ready")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("CreateReferral")]
    public static Task<IActionResult> CreateReferral([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/referrals")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetCaseloadSummary")]
    public static Task<IActionResult> GetCaseloadSummary([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/caseload/summary")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("RecordEvent")]
    public static Task<IActionResult> RecordEvent([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/journeys/{id}/events")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("ListNotifications")]
    public static Task<IActionResult> ListNotifications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/notifications")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("ResendNotification")]
    public static Task<IActionResult> ResendNotification([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/journeys/{id}/notifications/{notificationId}/resend")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("CompleteTask")]
    public static Task<IActionResult> CompleteTask([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/journeys/{id}/tasks/{taskId}/complete")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("UploadDocument")]
    public static Task<IActionResult> UploadDocument([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/journeys/{id}/documents")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("ListDocuments")]
    public static Task<IActionResult> ListDocuments([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/journeys/{id}/documents")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetStatistics")]
    public static Task<IActionResult> GetStatistics([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/reports/statistics")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetStorageRoundTrips")]
    public static Task<IActionResult> GetStorageRoundTrips([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/storage/round-trips")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("RebuildIndex")]
    public static Task<IActionResult> RebuildIndex([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/index/rebuild")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("ListJourneys")]
    public static Task<IActionResult> ListJourneys([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/journeys")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetJourney")]
    public static Task<IActionResult> GetJourney([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/journeys/{id}")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetJourneyHistory")]
    public static Task<IActionResult> GetJourneyHistory([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/journeys/{id}/history")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetJourneyNotifications")]
    public static Task<IActionResult> GetJourneyNotifications([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/journeys/{id}/notifications")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetJourneyRequest")]
    public static Task<IActionResult> GetJourneyRequest([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/journeys/{id}/requests/{requestId}")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("TerminateJourney")]
    public static Task<IActionResult> TerminateJourney([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/journeys/{id}/terminate")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("DeleteJourney")]
    public static Task<IActionResult> DeleteJourney([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/journeys/{id}")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("GetClock")]
    public static Task<IActionResult> GetClock([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/clock")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("MoveClock")]
    public static Task<IActionResult> MoveClock([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/clock")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, client, function);

    [Function("Site")]
    public static Task<IActionResult> Site([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = SiteRoute)] HttpRequest request, FunctionContext function) =>
        RunAsync(request, null, function);

    private static async Task<IActionResult> RunAsync(HttpRequest request, DurableTaskClient? client, FunctionContext function)
    {
        await function.InstanceServices.GetRequiredService<HttpPipeline>().RunAsync(request.HttpContext, client, function.InstanceServices);
        // The pipeline has written the response; nothing is left for the worker to write.
        return new EmptyResult();
    }
}
