using Microsoft.Extensions.DependencyInjection;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;

namespace Ses.Integration.Tests.Infrastructure;

/// <summary>A journey store on a prefix that app processes wrote, with the same key ring (ADR 005), to read what they stored.</summary>
public static class StoreOutsideTheApp
{
    public static StorageClients Clients(string prefix) =>
        new(new StorageOptions { ConnectionString = Azurite.ConnectionString, Prefix = prefix });

    public static JourneyStore For(string prefix)
    {
        var services = new ServiceCollection()
            .AddSingleton(new StorageClients(new StorageOptions { ConnectionString = Azurite.ConnectionString, Prefix = prefix }))
            .AddJourneyDataProtection()
            .AddSingleton<JourneyStore>()
            .BuildServiceProvider();
        return services.GetRequiredService<JourneyStore>();
    }
}
