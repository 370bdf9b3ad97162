using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;

namespace Ses.Journeys.Tests;

/// <summary>Referrals and messages for the tests: a UC PRaP referral on Monday 2 March 2026 unless told otherwise.</summary>
public static class Given
{
    public static readonly JourneyPolicy Virtual = new(5, new TimeOnly(9, 0), VirtualClock: true);
    public static readonly JourneyPolicy System = Virtual with { VirtualClock = false };

    public static DateTimeOffset London(int month, int day, int hour = 12, int year = 2026) =>
        LondonTime.At(new DateOnly(year, month, day), new TimeOnly(hour, 0));

    public static Referral Referral(string id = "200123456", DateOnly? date = null)
    {
        Nino.TryParse("AB123456C", out var nino, out _);
        var participant = new Participant("Ms", "Ada", "Example", nino!, null, "0113 000 0000", null, "1 Example Street", null, true, Benefit.Uc, 3, null, null);
        return new Referral(id, "SES-MAIN", date ?? new DateOnly(2026, 3, 2), "prov-a", Region.EnglandAndWales, Channel.Prap, false, participant,
            new Contact("SPoC", "spoc@jcp.example"), new Contact("Coach", "coach@jcp.example"));
    }

    public static ReferralMessage ReferralMessage(Referral referral, DateTimeOffset now) =>
        new(referral, "hash") { JourneyId = referral.ReferralId, RequestId = Guid.NewGuid().ToString("N"), Now = now };

    public static EventMessage Event(string journeyId, ReportedEvent reported, DateTimeOffset now, string? eventId = null) =>
        new(reported, eventId) { JourneyId = journeyId, RequestId = Guid.NewGuid().ToString("N"), Now = now };

    public static WakeMessage Wake(string journeyId, DateTimeOffset until) =>
        new() { JourneyId = journeyId, RequestId = Guid.NewGuid().ToString("N"), Now = until };

    /// <summary>A run after its referral step: the state the orchestration carries into its next execution.</summary>
    public static JourneyRun Referred(JourneyPolicy policy, Referral? referral = null)
    {
        referral ??= Referral();
        var run = new JourneyRun(referral.ReferralId, policy);
        var at = LondonTime.At(referral.ReferralDate, new TimeOnly(10, 0));
        var plan = JourneyStep.Plan(run, ReferralMessage(referral, at), at);
        return run with { State = plan.After };
    }
}
