using Azure;
using Azure.Storage.Blobs.Models;
using Ses.Infrastructure.Protection;
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

/// <summary>
/// Blobs under <c>{journeyId}/</c> in the documents container; metadata carries what the list shows. A scan is the
/// claimant's personal data: its bytes and file name are sealed with the journey's data key (ADR 005), so purging the
/// journey's key makes copies in backups unreadable. Blobs from before encryption (no <c>sealed</c> metadata) still list.
/// </summary>
public sealed class DocumentStore(StorageClients storage, JourneyKeyStore keys)
{
    private const string ContentField = "document", NameField = "fileName";

    public async Task<DocumentInfo> SaveAsync(
        string journeyId, string kind, string fileName, string contentType, Stream content, DateTimeOffset now, CancellationToken ct = default)
    {
        var id = $"{now.UtcDateTime:yyyyMMddTHHmmss}-{Guid.NewGuid():N}";
        var blob = storage.Documents.GetBlobClient($"{journeyId}/{id}");
        var safeName = new string(fileName.Where(c => c is >= ' ' and < (char)127).ToArray());
        var key = await keys.GetOrCreateAsync(journeyId, fresh: false, ct);
        using var plain = new MemoryStream();
        await content.CopyToAsync(plain, ct);
        var sealedBytes = FieldCipher.SealBytes(key, journeyId, $"{ContentField}/{id}", plain.GetBuffer().AsSpan(0, (int)plain.Length));
        await blob.UploadAsync(BinaryData.FromBytes(sealedBytes), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
            Metadata = new Dictionary<string, string>
            {
                ["kind"] = kind, ["fileName"] = FieldCipher.Seal(key, journeyId, $"{NameField}/{id}", safeName), ["uploadedAt"] = now.ToString("O"),
                ["contentType"] = contentType, ["size"] = plain.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), ["sealed"] = "v1",
            },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        }, ct);
        return new DocumentInfo(id, kind, safeName, contentType, plain.Length, now);
    }

    public async Task<IReadOnlyList<DocumentInfo>> ListAsync(string journeyId, CancellationToken ct = default)
    {
        var list = new List<DocumentInfo>();
        await foreach (var item in storage.Documents.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, $"{journeyId}/", ct))
        {
            var meta = new Dictionary<string, string>(item.Metadata ?? new Dictionary<string, string>());
            var id = item.Name[(journeyId.Length + 1)..];
            var uploadedAt = DateTimeOffset.TryParse(meta.GetValueOrDefault("uploadedAt"), out var at) ? at : default;
            var name = meta.GetValueOrDefault("fileName", "");
            list.Add(meta.ContainsKey("sealed")
                ? new DocumentInfo(id, meta.GetValueOrDefault("kind", "other"),
                    FieldCipher.Open(await KeyAsync(journeyId, ct), journeyId, $"{NameField}/{id}", name), meta.GetValueOrDefault("contentType", ""),
                    long.TryParse(meta.GetValueOrDefault("size"), out var size) ? size : 0, uploadedAt)
                : new DocumentInfo(id, meta.GetValueOrDefault("kind", "other"), Uri.UnescapeDataString(name), item.Properties.ContentType ?? "",
                    item.Properties.ContentLength ?? 0, uploadedAt));
        }
        return list;
    }

    /// <summary>A document's bytes, opened with the journey's data key; null when there is no such document.</summary>
    public async Task<byte[]?> ReadAsync(string journeyId, string documentId, CancellationToken ct = default)
    {
        var blob = storage.Documents.GetBlobClient($"{journeyId}/{documentId}");
        if (!(await blob.ExistsAsync(ct)).Value) return null;
        var download = await blob.DownloadContentAsync(ct);
        if (!download.Value.Details.Metadata.ContainsKey("sealed")) return download.Value.Content.ToArray();
        return FieldCipher.OpenBytes(await KeyAsync(journeyId, ct), journeyId, $"{ContentField}/{documentId}", download.Value.Content.ToMemory().Span);
    }

    private async Task<byte[]> KeyAsync(string journeyId, CancellationToken ct) =>
        await keys.FindAsync(journeyId, ct) ?? throw new PersonalDataUnreadableException(journeyId);

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
