using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Ses.Infrastructure.Storage;

namespace Ses.Functions.Api;

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
            using var limited = new LimitedStream(request.Body, MaxBytes);
            using var document = await JsonDocument.ParseAsync(limited, default, ct);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (null, Problems.Validation("body", "The body must be a JSON object."));
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

    /// <summary>Binds an element to <typeparamref name="T"/>, turning a type or shape mismatch into a field error.</summary>
    public static (T? Value, ValidationProblem? Error) Bind<T>(JsonElement element) where T : class
    {
        try
        {
            return (element.Deserialize<T>(Json.Options), null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.Validation(FieldOf(ex.Path), Describe(ex)));
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or FormatException or ArgumentException)
        {
            return (null, Problems.Validation("body", ex.Message));
        }
    }

    private static ProblemHttpResult TooLarge() => Problems.Status(413, "The body is too large.", $"At most {MaxBytes / 1024} KiB of JSON.");

    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.').Replace("['", "").Replace("']", "");

    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
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
