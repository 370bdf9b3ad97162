namespace Ses.Infrastructure.Clock;

/// <summary>
/// <c>Clock:Mode=Virtual</c> (never the default): business time that only the admin API moves, so a demo or a black-box
/// test lives through 30 weeks in seconds (SPEC 3). It never goes backwards.
/// </summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public void MoveTo(DateTimeOffset instant)
    {
        lock (_gate)
        {
            if (instant < _now) throw new ArgumentOutOfRangeException(nameof(instant), "The virtual clock never goes backwards.");
            _now = instant.ToUniversalTime();
        }
    }
}
