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
        Configure(services, keyEncryptionKey);
        services.AddSingleton(sp =>
        {
            var storage = sp.GetRequiredService<StorageClients>();
            return new JourneyKeyStore(storage, sp.GetRequiredService<IDataProtectionProvider>(), () => Fresh(storage, keyEncryptionKey));
        });
        return services;
    }

    /// <summary>
    /// A Data Protection stack that reads the key ring from storage anew. Two hosts starting together may each create a
    /// first key; a host meets the other's key only when it reads the ring again, which a provider otherwise does daily.
    /// </summary>
    private static IDataProtectionProvider Fresh(StorageClients storage, KeyEncryptionKey? keyEncryptionKey)
    {
        var services = new ServiceCollection().AddSingleton(storage);
        Configure(services, keyEncryptionKey);
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    private static void Configure(IServiceCollection services, KeyEncryptionKey? keyEncryptionKey)
    {
        services.AddDataProtection().SetApplicationName("ses-journeys");
        if (keyEncryptionKey is not null) services.AddSingleton(keyEncryptionKey);
        services.AddOptions<KeyManagementOptions>()
            .Configure<StorageClients>((options, storage) =>
            {
                options.XmlRepository = new BlobXmlRepository(storage.KeyRing);
                if (keyEncryptionKey is not null) options.XmlEncryptor = new KeyRingEncryptor(keyEncryptionKey);
            });
    }
}
