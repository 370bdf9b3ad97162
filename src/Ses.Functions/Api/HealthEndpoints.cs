using Ses.Infrastructure.Storage;

namespace Ses.Functions.Api;

/// <summary>GET /api/health: liveness and storage reachability, for anyone (SPEC 5).</summary>
public static class HealthEndpoints
{
    public sealed record Health(string Status, string Storage);

    public static void MapHealth(this IEndpointRouteBuilder api) =>
        api.MapGet("/health", async (StorageClients storage, HttpContext context, CancellationToken ct) =>
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                await storage.EnsureCreatedAsync(timeout.Token);
                await storage.Journeys.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, cancellationToken: timeout.Token).AsPages().GetAsyncEnumerator(timeout.Token).MoveNextAsync();
                return Results.Ok(new Health("healthy", "reachable"));
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException)
            {
                context.Response.Headers.RetryAfter = "10";
                return Results.Json(new Health("unhealthy", "unreachable"), statusCode: 503);
            }
        }).AllowAnonymous().WithTags("Health");
}
