using Microsoft.Extensions.DependencyInjection;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;

namespace Ses.Integration.Tests.Infrastructure;

/// <summary>A journey store on a prefix that app processes wrote, with the same key ring (ADR 005), to read what they stored.</summary>
public static class StoreOutsideTheApp
{
    // The test's own reads count what happened; they are not what is under test, so they wait out a busy Azurite
    // (the app's 2-s default bound would fail a count taken while the hosts under test keep Azurite at full load).
    private static StorageOptions Options(string prefix, string? connection) =>
        new() { ConnectionString = connection ?? Azurite.ConnectionString, Prefix = prefix, RequestTimeout = TimeSpan.FromSeconds(30) };

    public static StorageClients Clients(string prefix) => new(Options(prefix, null));

    /// <param name="connection">Storage of the test's own (an Azurite it started); the run's shared Azurite when null.</param>
    public static JourneyStore For(string prefix, string? connection = null)
    {
        var services = new ServiceCollection()
            .AddSingleton(new StorageClients(Options(prefix, connection)))
            .AddJourneyDataProtection()
            .AddSingleton<JourneyStore>()
            .BuildServiceProvider();
        return services.GetRequiredService<JourneyStore>();
    }
}

/// <summary>
/// Removes every table, queue and blob container of a test's storage prefix (the product's and its task hub's) once the
/// test is done with it. Not under test: hygiene for the one Azurite a run shares. Azurite keeps all of it in memory and
/// finds a queue's messages by scanning every message it holds, so each hub left behind (its timers stay queued) would
/// slow every later test's polling.
/// </summary>
public static class TestStorage
{
    public static async Task DeleteAllAsync(string prefix)
    {
        var lower = prefix.ToLowerInvariant();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = bound.Token;
        try
        {
            var cs = Azurite.ConnectionString;
            var tables = new Azure.Data.Tables.TableServiceClient(cs);
            var names = new List<string>();
            await foreach (var t in tables.QueryAsync(Azure.Data.Tables.TableServiceClient.CreateQueryFilter($"TableName ge {prefix} and TableName lt {prefix + "~"}"), cancellationToken: ct))
            {
                names.Add(t.Name);
            }
            foreach (var name in names) await tables.DeleteTableAsync(name, ct);
            var queues = new Azure.Storage.Queues.QueueServiceClient(cs);
            var queueNames = new List<string>();
            await foreach (var q in queues.GetQueuesAsync(prefix: lower, cancellationToken: ct)) queueNames.Add(q.Name);
            foreach (var name in queueNames) await queues.DeleteQueueAsync(name, ct);
            var blobs = new Azure.Storage.Blobs.BlobServiceClient(cs);
            var containers = new List<string>();
            await foreach (var c in blobs.GetBlobContainersAsync(prefix: lower, cancellationToken: ct)) containers.Add(c.Name);
            foreach (var name in containers) await blobs.DeleteBlobContainerAsync(name, cancellationToken: ct);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or OperationCanceledException)
        {
            // Left for Azurite's end of run: a test's cleanup never fails the test.
        }
    }
}
