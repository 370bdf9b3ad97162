using Ses.Domain.Calendar;

namespace Ses.Domain.Journeys;

/// <summary>One durable timer: when a deadline's step fires, in London local time (SPEC 3, 4.4).</summary>
public sealed record TimerSpec(DeadlineKind Kind, DateOnly Due, TimerStep Step, DateTimeOffset FireAt);

/// <summary>When each deadline's timers fire. Reminders at <c>Reminders:TimeOfDay</c>; "the end of the due date" is 00:00 London next day.</summary>
public static class TimerPlan
{
    public static IEnumerable<TimerSpec> For(Deadline deadline, Calendar.Region region, WorkingDayCalendar calendar, TimeOnly reminderTime)
    {
        var due = deadline.Due;
        TimerSpec At(TimerStep step, DateTimeOffset when) => new(deadline.Kind, due, step, when);
        // docs/adr/004: a reminder never fires on a non-working day; one that would fires on the working day before, so it
        // still comes ahead of what it reminds of.
        DateTimeOffset Reminder(DateOnly day)
        {
            while (!calendar.IsWorkingDay(region, day)) day = day.AddDays(-1);
            return LondonTime.At(day, reminderTime);
        }
        var endOfDue = LondonTime.StartOfNextDay(due);
        return deadline.Kind switch
        {
            DeadlineKind.Ucpr1Chase => [At(TimerStep.Due, Reminder(due))],
            // 13.17, 13.13: remind provider staff 2 working days before, alert at the end of the due date.
            DeadlineKind.FirstMeeting or DeadlineKind.Start =>
                [At(TimerStep.Reminder, Reminder(calendar.AddWorkingDays(region, due, -2))), At(TimerStep.Due, endOfDue)],
            DeadlineKind.PrapCancel => [At(TimerStep.Due, deadline.DueAt ?? endOfDue)],
            DeadlineKind.IspAgreed => [At(TimerStep.Due, endOfDue)],
            // 4.12, docs/adr/004: the review's due date is a working day; its reminder comes the working day before, so it
            // is a reminder of a review still to come, never one on the due day itself.
            DeadlineKind.IspReview =>
                [At(TimerStep.Reminder, Reminder(calendar.AddWorkingDays(region, due, -1))), At(TimerStep.Due, endOfDue)],
            // 4.04: remind 4 weeks before and on the day.
            DeadlineKind.ProvisionEnd =>
                [At(TimerStep.EarlyReminder, Reminder(due.AddDays(-28))), At(TimerStep.Reminder, Reminder(due)), At(TimerStep.Due, endOfDue)],
            DeadlineKind.TrackingWindow => [At(TimerStep.Due, endOfDue)],
            // Checkpoints are decided at the start of the checkpoint day: the qualifying period ends the day before.
            DeadlineKind.ShortOutcome or DeadlineKind.SustainedOutcome => [At(TimerStep.Due, LondonTime.StartOfNextDay(due.AddDays(-1)))],
            _ => [],
        };
    }

    /// <summary>The timers to store for a deadline scheduled at <paramref name="now"/>: reminders already in the past are skipped, due firings never are.</summary>
    public static IEnumerable<TimerSpec> ToSchedule(Deadline deadline, Calendar.Region region, WorkingDayCalendar calendar, TimeOnly reminderTime, DateTimeOffset now) =>
        For(deadline, region, calendar, reminderTime).Where(t => t.Step == TimerStep.Due || t.FireAt > now);

    /// <summary>
    /// The steps still to fire, earliest first: those of pending deadlines that have neither fired nor been skipped. Where
    /// two deadlines share a kind and due date the last one counts, as when a timer fires. The journey's wake-up row sits at
    /// the first of them (issue 9: one wake-up row per journey instead of one timer row per step).
    /// </summary>
    public static IEnumerable<TimerSpec> Pending(Journey journey, WorkingDayCalendar calendar, TimeOnly reminderTime)
    {
        var last = new Dictionary<(DeadlineKind, DateOnly), Deadline>();
        foreach (var d in journey.Deadlines) last[(d.Kind, d.Due)] = d;
        return last.Values
            .Where(d => d.State == DeadlineState.Pending)
            .SelectMany(d => For(d, journey.Referral.Region, calendar, reminderTime)
                .Where(t => !d.Fired.Contains(t.Step) && !d.Skipped.Contains(t.Step)))
            .OrderBy(t => t.FireAt);
    }

    /// <summary>
    /// Marks as skipped the reminders of <paramref name="which"/> deadlines that were already past at <paramref name="upTo"/>:
    /// a deadline scheduled now does not remind of what is already late (as <see cref="ToSchedule"/>). Due steps are never
    /// skipped.
    /// </summary>
    public static Journey SkipPast(Journey journey, Func<Deadline, bool> which, WorkingDayCalendar calendar, TimeOnly reminderTime, DateTimeOffset upTo) =>
        journey with
        {
            Deadlines = journey.Deadlines.Select(d => which(d) && d.State == DeadlineState.Pending
                ? d with
                {
                    Skipped = [.. d.Skipped, .. For(d, journey.Referral.Region, calendar, reminderTime)
                        .Where(t => t.Step != TimerStep.Due && t.FireAt <= upTo && !d.Fired.Contains(t.Step) && !d.Skipped.Contains(t.Step))
                        .Select(t => t.Step)],
                }
                : d).ToArray(),
        };
}
