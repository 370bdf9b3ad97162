using System.Security.Cryptography;
using System.Text;

namespace Ses.Infrastructure.Protection;

/// <summary>The personal data of this journey cannot be read: its data key is gone (purged) or does not open it.</summary>
public sealed class PersonalDataUnreadableException(string journeyId, Exception? inner = null)
    : Exception($"The personal data of journey {journeyId} cannot be decrypted (its data key is missing or wrong).", inner);

/// <summary>
/// AES-256-GCM over one field with the journey's data key (ADR 005). The field's journey ID and name are bound in as
/// associated data, so a sealed value copied to another journey or field does not open.
/// Format: <c>enc:v1:</c> + base64url(nonce 12 | ciphertext | tag 16): base64url, as JSON escapes '+' of plain base64
/// and a state row's size would then vary from one write to the next.
/// </summary>
public static class FieldCipher
{
    public const string Marker = "enc:v1:";
    private const int NonceSize = 12, TagSize = 16;

    public static string Seal(byte[] key, string journeyId, string field, string plain) =>
        Marker + System.Buffers.Text.Base64Url.EncodeToString(SealBytes(key, journeyId, field, Encoding.UTF8.GetBytes(plain)));

    public static string Open(byte[] key, string journeyId, string field, string sealedText) =>
        Encoding.UTF8.GetString(OpenBytes(key, journeyId, field, System.Buffers.Text.Base64Url.DecodeFromChars(sealedText.AsSpan(Marker.Length))));

    /// <summary>nonce 12 | ciphertext | tag 16: also the layout of an encrypted document blob.</summary>
    public static byte[] SealBytes(byte[] key, string journeyId, string field, ReadOnlySpan<byte> plain)
    {
        var output = new byte[NonceSize + plain.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length), Aad(journeyId, field));
        return output;
    }

    public static byte[] OpenBytes(byte[] key, string journeyId, string field, ReadOnlySpan<byte> input)
    {
        if (input.Length < NonceSize + TagSize) throw new CryptographicException("Sealed field too short.");
        var plain = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(input[..NonceSize], input.Slice(NonceSize, plain.Length), input[(NonceSize + plain.Length)..], plain, Aad(journeyId, field));
        return plain;
    }

    public static bool IsSealed(string? text) => text is not null && text.StartsWith(Marker, StringComparison.Ordinal);

    private static byte[] Aad(string journeyId, string field) => Encoding.UTF8.GetBytes($"ses-journey|{journeyId}|{field}");
}
