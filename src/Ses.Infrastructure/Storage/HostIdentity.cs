namespace Ses.Infrastructure.Storage;

/// <summary>Names this process in leases and claims, so an operator can see which host holds what.</summary>
public sealed class HostIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}
