using Ses.Infrastructure.Storage;

namespace Ses.Http.Api;

/// <summary>
/// GET /api/health: liveness and storage reachability, for anyone (SPEC 5). GET /api/health/ready: the readiness probe,
/// 200 only when every table and container the app uses answers (503 with Retry-After otherwise), naming which.
/// </summary>
public static class HealthEndpoints
{
    public sealed record Health(string Status, string Storage);

    public sealed record Readiness(string Status, IReadOnlyDictionary<string, string> Checks);

    public static void MapHealth(this IEndpointRouteBuilder api)
    {
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
            catch (Exception ex) when (IsUnreachable(ex))
            {
                context.Response.Headers.RetryAfter = "10";
                return Results.Json(new Health("unhealthy", "unreachable"), statusCode: 503);
            }
        }).AllowAnonymous().WithTags("Health");

        api.MapGet("/health/ready", async (StorageClients storage, HttpContext context, CancellationToken ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var checks = new Dictionary<string, Func<CancellationToken, Task>>
            {
                ["tables"] = async t =>
                {
                    foreach (var table in new[] { storage.Journeys, storage.Timers, storage.Outbox, storage.Clock })
                    {
                        await table.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, cancellationToken: t).AsPages().GetAsyncEnumerator(t).MoveNextAsync();
                    }
                },
                ["blobs"] = async t =>
                {
                    foreach (var container in new[] { storage.Documents, storage.OutboxBlobs })
                    {
                        if (!(await container.ExistsAsync(t)).Value) throw new Azure.RequestFailedException(404, "container missing");
                    }
                },
            };
            var results = new Dictionary<string, string>();
            foreach (var (name, check) in checks)
            {
                try
                {
                    await check(timeout.Token);
                    results[name] = "ready";
                }
                catch (Exception ex) when (IsUnreachable(ex))
                {
                    results[name] = "unavailable";
                }
            }
            if (results.Values.All(v => v == "ready")) return Results.Ok(new Readiness("ready", results));
            context.Response.Headers.RetryAfter = "10";
            return Results.Json(new Readiness("not-ready", results), statusCode: 503);
        }).AllowAnonymous().WithTags("Health");
    }

    private static bool IsUnreachable(Exception ex) =>
        ex is Azure.RequestFailedException or OperationCanceledException or HttpRequestException or AggregateException or Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException;
}
