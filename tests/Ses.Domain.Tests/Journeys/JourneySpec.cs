using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;

namespace Ses.Domain.Tests.Journeys;

/// <summary>A tiny Given/When/Then over the decider: no mocks, a fixed clock carried by each command.</summary>
public sealed class JourneySpec
{
    public static readonly JourneyRules Rules = JourneyRules.Default;

    private Journey? _state;
    private Decision? _last;

    public Journey State => _state ?? throw new InvalidOperationException("No journey yet.");
    public Decision Last => _last ?? throw new InvalidOperationException("Nothing decided yet.");

    public static DateTimeOffset At(int year, int month, int day, int hour = 12) =>
        LondonTime.At(new DateOnly(year, month, day), new TimeOnly(hour, 0));

    public static Referral Referral(
        string referralId = "200123456", DateOnly? date = null, Channel channel = Channel.Prap, bool mappa = false,
        Region region = Region.EnglandAndWales, bool workCoach = true, Benefit benefit = Benefit.Uc)
    {
        var nino = Nino.TryParse("AB123456C", out var n, out _) ? n : throw new InvalidOperationException();
        var participant = new Participant("Ms", "Ada", "Example", nino, null, mappa ? null : "0113 000 0000", null,
            mappa ? null : "1 Example Street", null, true, benefit, 3, null, null);
        return new Referral(referralId, "SES-MAIN", date ?? new DateOnly(2026, 3, 2), "prov-a", region, channel, mappa, participant,
            new Contact("SPoC", "spoc@jcp.example"), workCoach ? new Contact("Coach", "coach@jcp.example") : null);
    }

    public JourneySpec Given(Referral referral, DateTimeOffset? at = null) =>
        When(new ReceiveReferral(referral.Channel == Channel.Sro ? $"sro-{referral.ReferralId}" : referral.ReferralId, referral,
            at ?? LondonTime.At(referral.ReferralDate, new TimeOnly(10, 0)))).ThenAccepted();

    public JourneySpec Given(ReportedEvent reported, DateTimeOffset at, string? eventId = null) =>
        When(reported, at, eventId).ThenAccepted();

    public JourneySpec When(ReportedEvent reported, DateTimeOffset at, string? eventId = null) =>
        When(new RecordEvent(reported, eventId, at));

    public JourneySpec Fire(DeadlineKind kind, TimerStep step = TimerStep.Due, DateTimeOffset? at = null)
    {
        var deadline = State.Deadlines.Last(d => d.Kind == kind);
        var spec = TimerPlan.For(deadline, State.Referral.Region, Rules.Calendar, new TimeOnly(9, 0)).Single(t => t.Step == step);
        return When(new FireTimer(kind, deadline.Due, step, at ?? spec.FireAt));
    }

    public JourneySpec When(JourneyCommand command)
    {
        _last = JourneyDecider.Decide(_state, command, Rules);
        if (!_last.IsRejected) _state = JourneyEvolver.Fold(_last.Events, _state);
        return this;
    }

    public JourneySpec ThenAccepted()
    {
        Assert.Null(Last.Rejection);
        return this;
    }

    public Rejection ThenRejected(RejectionKind kind)
    {
        var rejection = Assert.IsType<Rejection>(Last.Rejection);
        Assert.Equal(kind, rejection.Kind);
        return rejection;
    }

    public Deadline Deadline(DeadlineKind kind) => State.Deadlines.Last(d => d.Kind == kind);

    public IReadOnlyList<T> Emitted<T>() where T : JourneyEvent => Last.Events.OfType<T>().ToArray();

    public IReadOnlyList<string> Emails => Emitted<NotificationRequested>().Select(n => n.Template).ToArray();
}
