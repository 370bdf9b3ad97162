namespace Ses.Domain.Calendar;

/// <summary>Business dates are Europe/London dates and timers fire at London local times, GMT or BST (SPEC 3).</summary>
public static class LondonTime
{
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>
    /// The instant of a London wall-clock time. In the spring gap (01:00-02:00 on the last Sunday of March) it is the
    /// instant the clocks jump to; in the autumn overlap, the first (BST) occurrence.
    /// </summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    /// <summary>"The end of the due date" (SPEC 4.4): 00:00 London on the next day.</summary>
    public static DateTimeOffset StartOfNextDay(DateOnly date) => At(date.AddDays(1), TimeOnly.MinValue);
}
