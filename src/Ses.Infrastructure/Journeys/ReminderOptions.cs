namespace Ses.Infrastructure.Journeys;

public sealed class ReminderOptions
{
    /// <summary>SPEC 4.4: <c>Reminders:TimeOfDay</c>, London local time.</summary>
    public TimeOnly TimeOfDay { get; set; } = new(9, 0);
}
