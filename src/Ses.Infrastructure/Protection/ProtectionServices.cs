using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Protection;

public static class ProtectionServices
{
    /// <summary>
    /// Data Protection with its key ring in the <c>{prefix}-keyring</c> container (shared by every host), and the
    /// per-journey data keys it protects (ADR 005). With a <paramref name="keyEncryptionKey"/> (in Azure, from Key Vault)
    /// every key-ring element is wrapped by it before it reaches Blob Storage.
    /// </summary>
    public static IServiceCollection AddJourneyDataProtection(this IServiceCollection services, KeyEncryptionKey? keyEncryptionKey = null)
    {
        services.AddDataProtection().SetApplicationName("ses-journeys");
        if (keyEncryptionKey is not null) services.AddSingleton(keyEncryptionKey);
        services.AddOptions<KeyManagementOptions>()
            .Configure<StorageClients>((options, storage) =>
            {
                options.XmlRepository = new BlobXmlRepository(storage.KeyRing);
                if (keyEncryptionKey is not null) options.XmlEncryptor = new KeyRingEncryptor(keyEncryptionKey);
            });
        services.AddSingleton<JourneyKeyStore>();
        return services;
    }
}
