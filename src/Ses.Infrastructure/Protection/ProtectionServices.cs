using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Protection;

public static class ProtectionServices
{
    /// <summary>
    /// Data Protection with its key ring in the <c>{prefix}-keyring</c> container (shared by every host), and the
    /// per-journey data keys it protects (ADR 005).
    /// </summary>
    public static IServiceCollection AddJourneyDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("ses-journeys");
        services.AddOptions<KeyManagementOptions>()
            .Configure<StorageClients>((options, storage) => options.XmlRepository = new BlobXmlRepository(storage.KeyRing));
        services.AddSingleton<JourneyKeyStore>();
        return services;
    }
}
