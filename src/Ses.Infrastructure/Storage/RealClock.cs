namespace Ses.Infrastructure.Storage;

/// <summary>
/// Real time for the machinery: leases, claims, retry schedules and grace periods. It never follows the virtual business
/// clock (<c>Clock:Mode=Virtual</c>): a clock move of 30 weeks must not expire every lease held by another host, and a
/// SendGrid outage lasts as long in a demo as in production (ADR 001). Tests may replace the provider with a fake.
/// </summary>
public sealed class RealClock(TimeProvider provider)
{
    public static RealClock System { get; } = new(TimeProvider.System);

    public DateTimeOffset Now => provider.GetUtcNow();

    public TimeProvider Provider => provider;
}
