using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Ses.Infrastructure.Protection;

/// <summary>
/// The Data Protection key ring in a blob container, one blob per key (ADR 005), so every host reads the same keys.
/// Azure.Extensions.AspNetCore.DataProtection.Blobs is not available to this build; this is the same idea in a few lines.
/// A key element is written once and never changed (revocations are new elements), so blobs are only ever added.
/// </summary>
public sealed class BlobXmlRepository(BlobContainerClient container) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        if (!container.Exists()) return [];
        var elements = new List<XElement>();
        foreach (var item in container.GetBlobs(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken: default))
        {
            using var stream = container.GetBlobClient(item.Name).OpenRead();
            elements.Add(XElement.Load(stream));
        }
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        container.CreateIfNotExists();
        var name = $"{(string.IsNullOrWhiteSpace(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName)}.xml";
        using var content = new MemoryStream();
        element.Save(content, SaveOptions.DisableFormatting);
        content.Position = 0;
        container.GetBlobClient(name).Upload(content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/xml" },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        });
    }
}
