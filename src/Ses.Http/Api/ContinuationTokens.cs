using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Ses.Infrastructure.Storage;

namespace Ses.Http.Api;

/// <summary>
/// The <c>continuationToken</c> of <c>GET /api/journeys</c>: the table's continuation, base64url-encoded, with an
/// HMAC-SHA256 tag, <c>{continuation}.{tag}</c>. A token the API did not give out (tampered, truncated, made up) does not
/// verify and is a 400 instead of silently paging from somewhere else. The key is derived from the storage connection
/// string and prefix, so every host of one hub accepts the tokens of the others.
/// </summary>
public sealed class ContinuationTokens(StorageOptions storage)
{
    private const int TagBytes = 16;
    private const int MaxTokenLength = 2048;

    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes($"ses-continuation-token\n{storage.ConnectionString}\n{storage.Prefix}"));

    public string? Protect(string? continuation)
    {
        if (continuation is null) return null;
        var raw = Encoding.UTF8.GetBytes(continuation);
        return $"{Base64Url.EncodeToString(raw)}.{Base64Url.EncodeToString(Tag(raw))}";
    }

    /// <summary>The table continuation inside a token this API gave out, or null when the token does not verify.</summary>
    public string? Unprotect(string token)
    {
        if (token.Length > MaxTokenLength || token.Split('.') is not [var body, var tag]) return null;
        byte[] raw, given;
        try
        {
            raw = Base64Url.DecodeFromChars(body);
            given = Base64Url.DecodeFromChars(tag);
        }
        catch (FormatException)
        {
            return null;
        }
        // Base64url has several spellings of the same bytes (padding, trailing bits): only the canonical one is accepted.
        if (Base64Url.EncodeToString(raw) != body || Base64Url.EncodeToString(given) != tag) return null;
        return raw.Length > 0 && CryptographicOperations.FixedTimeEquals(given, Tag(raw)) ? Encoding.UTF8.GetString(raw) : null;
    }

    private byte[] Tag(byte[] raw) => HMACSHA256.HashData(_key, raw)[..TagBytes];
}
