using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Ses.Infrastructure.Storage;

namespace Ses.Http.Api;

/// <summary>Reads a JSON request body with clear field-level errors instead of exceptions.</summary>
public static class JsonBody
{
    public const long MaxBytes = 256 * 1024;

    public static async Task<(JsonElement? Body, IResult? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType()) return (null, Problems.UnsupportedMediaType("application/json"));
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        try
        {
            using var buffer = new MemoryStream();
            try
            {
                await new LimitedStream(request.Body, MaxBytes).CopyToAsync(buffer, ct);
            }
            catch (IOException ex) when (ex is not BadHttpRequestException && !ct.IsCancellationRequested)
            {
                // Kestrel reports most unreadable bodies as BadHttpRequestException (a 400 from BadRequestBodyHandler),
                // but a chunk size too large to count is a plain IOException ("Bad chunk size data").
                return (null, Problems.Validation("body", "The body could not be read: its chunked framing is broken."));
            }
            if (InvalidUtf8At(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } at)
            {
                return (null, Problems.Validation("body", $"The body is not valid UTF-8 (byte {at + 1})."));
            }
            buffer.Position = 0;
            // Strict JSON: a property given twice is refused rather than one of its values silently winning.
            using var document = JsonDocument.Parse(buffer, new JsonDocumentOptions { AllowDuplicateProperties = false });
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, Problems.Validation("body", "The body must be a JSON object."));
            if (UnpairedSurrogateAt(document.RootElement, "") is { } field)
            {
                return (null, Problems.Validation(field, $"{field} is not valid Unicode text: it holds an unpaired surrogate escape (\\uD800-\\uDFFF)."));
            }
            return (document.RootElement.Clone(), null);
        }
        catch (LimitedStream.TooLargeException)
        {
            return (null, TooLarge());
        }
        catch (JsonException ex)
        {
            return (null, Problems.Validation("body", $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
    }

    /// <summary>Binds an element to <typeparamref name="T"/>, turning a type or shape mismatch into a field error in words (<see cref="BindingErrors"/>).</summary>
    public static (T? Value, ValidationProblem? Error) Bind<T>(JsonElement element) where T : class
    {
        try
        {
            return (element.Deserialize<T>(Json.Options), null);
        }
        catch (JsonException ex)
        {
            var (field, message) = BindingErrors.Describe(typeof(T), element, ex);
            return (null, Problems.Validation(field, message));
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or FormatException or ArgumentException)
        {
            // Their messages name .NET types: the body's shape is what the caller needs to hear about.
            return (null, Problems.Validation("body", "The body does not have the shape of this request: see the API document (/openapi/v1.json)."));
        }
    }

    /// <summary>
    /// The path of the first string or property name whose escapes spell an unpaired surrogate ("\ud800"): valid JSON
    /// syntax, but no Unicode text, so reading it would throw. Checked once here so no endpoint meets it.
    /// </summary>
    private static string? UnpairedSurrogateAt(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try { name = property.Name; }
                    catch (InvalidOperationException) { return path.Length > 0 ? path : "body"; }
                    if (UnpairedSurrogateAt(property.Value, path.Length > 0 ? $"{path}.{name}" : name) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (UnpairedSurrogateAt(item, $"{(path.Length > 0 ? path : "body")}[{index++}]") is { } inner) return inner;
                }
                return null;
            case JsonValueKind.String:
                try { element.GetString(); return null; }
                catch (InvalidOperationException) { return path.Length > 0 ? path : "body"; }
            default:
                return null;
        }
    }

    /// <summary>The offset of the first byte that is not well-formed UTF-8 (RFC 8259 8.1: JSON is UTF-8), or null.</summary>
    private static int? InvalidUtf8At(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes)) return null;
        Utf8.ToUtf16(bytes, new char[bytes.Length], out var valid, out _, replaceInvalidSequences: false);
        return valid;
    }

    private static ProblemHttpResult TooLarge() => Problems.Status(413, "The body is too large.", $"At most {MaxBytes / 1024} KiB of JSON.");

}

/// <summary>A read-only view of a stream that refuses to read past a byte limit (bodies without Content-Length).</summary>
internal sealed class LimitedStream(Stream inner, long limit) : Stream
{
    private long _read;

    public sealed class TooLargeException : Exception;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > limit) throw new TooLargeException();
        return read;
    }
}
