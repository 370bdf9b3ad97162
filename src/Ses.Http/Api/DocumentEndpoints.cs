using Ses.Domain;
using Ses.Http.Auth;
using Ses.Infrastructure.Documents;
using Ses.Infrastructure.Journeys;

namespace Ses.Http.Api;

/// <summary>POST (multipart) and GET /api/journeys/{id}/documents, kept in Blob Storage (SPEC 5).</summary>
public static class DocumentEndpoints
{
    public static void MapDocuments(this IEndpointRouteBuilder api)
    {
        api.MapPost("/journeys/{id}/documents", UploadAsync).RequireAuthorization(Policies.Documents).DisableAntiforgery().WithTags("Documents")
            .Accepts<IFormFile>("multipart/form-data").Produces<DocumentInfo>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        api.MapGet("/journeys/{id}/documents", ListAsync).RequireAuthorization(Policies.Documents).WithTags("Documents")
            .Produces<DocumentInfo[]>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> UploadAsync(
        string id, HttpRequest request, JourneyStore store, DocumentStore documents, TimeProvider time, CancellationToken ct)
    {
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.UnsupportedMediaType("multipart/form-data with a 'file' part and a 'kind' field");
        }
        if (request.ContentLength > DocumentRules.MaxBytes + 64 * 1024) return TooLarge();
        var (stored, error) = await JourneyAccess.LoadAsync(store, id, request.HttpContext, ct);
        if (error is not null) return error;
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Problems.Validation("body", "The multipart body could not be read.");
        }
        var kind = form["kind"].ToString();
        if (!DocumentRules.Kinds.Contains(kind)) return Problems.Validation("kind", $"kind is one of {string.Join(", ", DocumentRules.Kinds)}.");
        if (form.Files.GetFile("file") is not { } file) return Problems.Validation("file", "A 'file' part is required.");
        if (file.Length == 0) return Problems.Validation("file", "The file is empty.");
        if (file.Length > DocumentRules.MaxBytes) return TooLarge();
        var fileName = Path.GetFileName(file.FileName);
        if (fileName.Length > InputLimits.FreeText)
        {
            return Problems.Validation("file", $"The file name is at most {InputLimits.FreeText} characters (it has {fileName.Length}).");
        }
        var contentType = file.ContentType.Split(';')[0].Trim().ToLowerInvariant();
        if (!DocumentRules.ContentTypes.Contains(contentType))
        {
            return Problems.UnsupportedMediaType($"a file of type {string.Join(", ", DocumentRules.ContentTypes)}");
        }
        await using var content = file.OpenReadStream();
        var saved = await documents.SaveAsync(stored!.Journey.JourneyId, kind, fileName, contentType, content, time.GetUtcNow(), ct);
        return TypedResults.Created($"/api/journeys/{id}/documents", saved);
    }

    private static async Task<IResult> ListAsync(string id, HttpContext context, JourneyStore store, DocumentStore documents, CancellationToken ct)
    {
        var (stored, error) = await JourneyAccess.LoadAsync(store, id, context, ct);
        if (error is not null) return error;
        var list = await documents.ListAsync(id, ct);
        // File names can carry a name; on restricted records only nominated officers see them (13.71, 13.76-13.78).
        var full = !stored!.Journey.Restricted || Caller.From(context.User).SeesRestricted;
        return TypedResults.Ok(full ? list : list.Select(d => d with { FileName = "" }).ToArray());
    }

    private static IResult TooLarge() => Problems.Status(413, "The document is too large.", $"At most {DocumentRules.MaxBytes / (1024 * 1024)} MiB.");
}
