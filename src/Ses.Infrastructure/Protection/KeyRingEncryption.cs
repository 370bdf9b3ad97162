using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Ses.Infrastructure.Protection;

/// <summary>
/// The key-encryption key that wraps the Data Protection key ring (ADR 005): 32 bytes, base64, from
/// <c>DataProtection:KeyEncryptionKey</c>. In Azure that setting is a Key Vault reference to the secret
/// <c>data-protection-kek</c> (infra/main.bicep), so the key ring in Blob Storage is useless without the vault.
/// </summary>
public sealed class KeyEncryptionKey
{
    public KeyEncryptionKey(byte[] value)
    {
        if (value.Length != 32) throw new InvalidOperationException("DataProtection:KeyEncryptionKey must be 32 bytes, base64.");
        Value = value;
    }

    public byte[] Value { get; }

    /// <summary>Null when not configured; an unresolved Key Vault reference or bad base64 is a configuration error, never ignored.</summary>
    public static KeyEncryptionKey? FromSetting(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting)) return null;
        try
        {
            return new KeyEncryptionKey(Convert.FromBase64String(setting));
        }
        catch (FormatException)
        {
            throw new InvalidOperationException(
                "DataProtection:KeyEncryptionKey is not 32 bytes of base64: is the Key Vault secret data-protection-kek set and readable by the app's identity?");
        }
    }
}

/// <summary>Wraps each new key-ring element with AES-GCM under the <see cref="KeyEncryptionKey"/>.</summary>
public sealed class KeyRingEncryptor(KeyEncryptionKey kek) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var wrapped = FieldCipher.SealBytes(kek.Value, "key-ring", "xml", plain);
        return new EncryptedXmlInfo(new XElement("sesWrappedKey", Convert.ToBase64String(wrapped)), typeof(KeyRingDecryptor));
    }
}

/// <summary>Opens key-ring elements wrapped by <see cref="KeyRingEncryptor"/>; Data Protection creates it with the app's services.</summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var kek = services.GetService<KeyEncryptionKey>()
            ?? throw new InvalidOperationException("The key ring is wrapped but DataProtection:KeyEncryptionKey is not configured.");
        var plain = FieldCipher.OpenBytes(kek.Value, "key-ring", "xml", Convert.FromBase64String(encryptedElement.Value));
        return XElement.Parse(Encoding.UTF8.GetString(plain));
    }
}
