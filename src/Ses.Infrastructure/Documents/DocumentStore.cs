using Azure;
using Azure.Storage.Blobs.Models;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Documents;

/// <summary>The documents a journey keeps (SPEC 5): UCPR1 scans, SESSRO1, ISP, Leaver Report, employment evidence.</summary>
public sealed record DocumentInfo(string DocumentId, string Kind, string FileName, string ContentType, long Size, DateTimeOffset UploadedAt);

public static class DocumentRules
{
    public const long MaxBytes = 10 * 1024 * 1024;

    public static readonly IReadOnlyList<string> Kinds = ["ucpr1", "sessro1", "isp", "leaver-report", "employment-evidence", "uc452", "other"];

    public static readonly IReadOnlyList<string> ContentTypes =
        ["application/pdf", "image/png", "image/jpeg", "image/tiff", "text/plain",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"];
}

/// <summary>Blobs under <c>{journeyId}/</c> in the documents container; metadata carries what the list shows.</summary>
public sealed class DocumentStore(StorageClients storage)
{
    public async Task<DocumentInfo> SaveAsync(
        string journeyId, string kind, string fileName, string contentType, Stream content, DateTimeOffset now, CancellationToken ct = default)
    {
        var id = $"{now.UtcDateTime:yyyyMMddTHHmmss}-{Guid.NewGuid():N}";
        var blob = storage.Documents.GetBlobClient($"{journeyId}/{id}");
        var safeName = new string(fileName.Where(c => c is >= ' ' and < (char)127).ToArray());
        await blob.UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            Metadata = new Dictionary<string, string> { ["kind"] = kind, ["fileName"] = Uri.EscapeDataString(safeName), ["uploadedAt"] = now.ToString("O") },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        }, ct);
        var props = await blob.GetPropertiesAsync(cancellationToken: ct);
        return new DocumentInfo(id, kind, safeName, contentType, props.Value.ContentLength, now);
    }

    public async Task<IReadOnlyList<DocumentInfo>> ListAsync(string journeyId, CancellationToken ct = default)
    {
        var list = new List<DocumentInfo>();
        await foreach (var item in storage.Documents.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, $"{journeyId}/", ct))
        {
            var meta = new Dictionary<string, string>(item.Metadata ?? new Dictionary<string, string>());
            list.Add(new DocumentInfo(item.Name[(journeyId.Length + 1)..], meta.GetValueOrDefault("kind", "other"),
                Uri.UnescapeDataString(meta.GetValueOrDefault("fileName", "")), item.Properties.ContentType ?? "",
                item.Properties.ContentLength ?? 0, DateTimeOffset.TryParse(meta.GetValueOrDefault("uploadedAt"), out var at) ? at : default));
        }
        return list;
    }

    public async Task DeleteAllAsync(string journeyId, CancellationToken ct = default)
    {
        foreach (var container in new[] { storage.Documents, storage.OutboxBlobs })
        {
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{journeyId}/", ct))
            {
                await container.DeleteBlobIfExistsAsync(item.Name, cancellationToken: ct);
            }
        }
    }
}
