using Ses.Domain.Calendar;

namespace Ses.Domain.Journeys;

/// <summary>The data the decider needs besides the journey: the working-day calendar and provider policy.</summary>
/// <param name="IspAgreedWorkingDays">The Individual Support Plan must be agreed this many working days after the start (4.05; provider policy, SPEC 4.4).</param>
public sealed record JourneyRules(WorkingDayCalendar Calendar, int IspAgreedWorkingDays = 5)
{
    public static JourneyRules Default { get; } = new(WorkingDayCalendar.Official);

    /// <summary>13.14/13.67: chase the UCPR1 on the 4th working day.</summary>
    public const int Ucpr1ChaseWorkingDays = 4;
    /// <summary>13.17: meet every potential participant within ten working days of the referral.</summary>
    public const int FirstMeetingWorkingDays = 10;
    /// <summary>13.13: start within 20 working days of the referral.</summary>
    public const int StartWorkingDays = 20;
    /// <summary>4.04: 52 weeks of provision.</summary>
    public const int ProvisionDays = 52 * 7;
    /// <summary>6.04: a 6-week tracking window after provision ends; day 42 counts.</summary>
    public const int TrackingWindowDays = 42;
}
