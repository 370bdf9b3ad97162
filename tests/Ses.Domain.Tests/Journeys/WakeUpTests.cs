using FsCheck.Xunit;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>
/// Issue 9: a journey keeps one wake-up at its earliest pending step (<see cref="TimerPlan.Pending"/>) instead of one
/// stored timer per step. It must fire exactly what the stored timers fired.
/// </summary>
public sealed class WakeUpTests
{
    private static readonly TimeOnly Nine = new(9, 0);

    [Fact]
    public void A_referral_wakes_first_for_its_UCPR1_chase()
    {
        var spec = new JourneySpec().Given(Referral());
        var first = TimerPlan.Pending(spec.State, Rules.Calendar, Nine).First();
        Assert.Equal((DeadlineKind.Ucpr1Chase, TimerStep.Due), (first.Kind, first.Step));
        spec.Fire(DeadlineKind.Ucpr1Chase);
        Assert.DoesNotContain(TimerPlan.Pending(spec.State, Rules.Calendar, Nine), t => t.Kind == DeadlineKind.Ucpr1Chase);
    }

    [Fact]
    public void Reminders_already_past_when_scheduled_are_skipped_but_due_steps_never_are()
    {
        var spec = new JourneySpec().Given(Referral());
        var meeting = spec.State.Deadlines.Single(d => d.Kind == DeadlineKind.FirstMeeting);
        var steps = TimerPlan.For(meeting, spec.State.Referral.Region, Rules.Calendar, Nine).ToArray();
        var afterEverything = steps.Max(t => t.FireAt).AddDays(1);
        var skipped = TimerPlan.SkipPast(spec.State, d => d.Kind == DeadlineKind.FirstMeeting, Rules.Calendar, Nine, afterEverything);
        var pending = TimerPlan.Pending(skipped, Rules.Calendar, Nine).Where(t => t.Kind == DeadlineKind.FirstMeeting).ToArray();
        Assert.Equal(new[] { TimerStep.Due }, pending.Select(t => t.Step));
        Assert.Contains(TimerStep.Reminder, skipped.Deadlines.Single(d => d.Kind == DeadlineKind.FirstMeeting).Skipped);
    }

    /// <summary>
    /// The per-step model (every scheduled step stored, reminders already past skipped, each fired in key order when due)
    /// and the wake-up model (fire the earliest pending step while it is due) record the same events for any sequence.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Waking_at_the_earliest_pending_step_fires_what_stored_timers_fired(int[] picks, bool sro)
    {
        var referral = Referral(sro ? "INTRO-1" : "200123456", JourneyPropertyTests.Day0, sro ? Channel.Sro : Channel.Prap);
        var start = JourneyPropertyTests.Noon(JourneyPropertyTests.Day0);
        var stored = new Model(referral, start, wakeUp: false);
        var woken = new Model(referral, start, wakeUp: true);
        var offset = 0;
        foreach (var pick in picks.Take(40))
        {
            offset += Math.Abs(pick % 30);
            var command = JourneyPropertyTests.Command(Math.Abs(pick), offset);
            stored.FireUpTo(command.Now);
            woken.FireUpTo(command.Now);
            stored.Apply(command);
            woken.Apply(command);
        }
        var end = start.AddYears(3);
        stored.FireUpTo(end);
        woken.FireUpTo(end);
        return stored.Log.SequenceEqual(woken.Log);
    }

    private sealed class Model
    {
        private readonly bool _wakeUp;
        private readonly SortedSet<string> _rows = new(StringComparer.Ordinal);
        private Journey _state;

        public Model(Referral referral, DateTimeOffset at, bool wakeUp)
        {
            _wakeUp = wakeUp;
            _state = null!;
            Apply(new ReceiveReferral(referral.Channel == Channel.Sro ? $"sro-{referral.ReferralId}" : referral.ReferralId, referral, at));
        }

        public List<string> Log { get; } = [];

        public void Apply(JourneyCommand command)
        {
            var decision = JourneyDecider.Decide(_state, command, Rules);
            if (decision.IsRejected || decision.Events.Count == 0) return;
            var after = JourneyEvolver.Fold(decision.Events, _state)!;
            var scheduled = decision.Events.OfType<DeadlineScheduled>().Select(s => (s.Kind, s.Due)).ToHashSet();
            if (_wakeUp)
            {
                after = TimerPlan.SkipPast(after, d => scheduled.Contains((d.Kind, d.Due)), Rules.Calendar, Nine, command.Now);
            }
            else
            {
                foreach (var (kind, due) in scheduled)
                {
                    var deadline = after.Deadlines.Last(d => d.Kind == kind && d.Due == due);
                    foreach (var t in TimerPlan.ToSchedule(deadline, after.Referral.Region, Rules.Calendar, Nine, command.Now)) _rows.Add(Key(t));
                }
            }
            Log.AddRange(decision.Events.Select(e => e.ToString()!));
            _state = after;
        }

        public void FireUpTo(DateTimeOffset now)
        {
            while (Next() is { } t && t.FireAt <= now)
            {
                _rows.Remove(Key(t));
                Apply(new FireTimer(t.Kind, t.Due, t.Step, t.FireAt.ToUniversalTime()));
            }
        }

        private TimerSpec? Next()
        {
            if (_wakeUp) return TimerPlan.Pending(_state, Rules.Calendar, Nine).OrderBy(Key, StringComparer.Ordinal).FirstOrDefault();
            return _rows.Count == 0 ? null : Parse(_rows.Min!);
        }

        private static string Key(TimerSpec t) =>
            $"{t.FireAt.UtcDateTime:yyyyMMddTHHmmss}|{Kebab.Of(t.Kind)}|{t.Due:yyyyMMdd}|{Kebab.Of(t.Step)}";

        private static TimerSpec Parse(string key)
        {
            var p = key.Split('|');
            Kebab.TryParse<DeadlineKind>(p[1], out var kind);
            Kebab.TryParse<TimerStep>(p[3], out var step);
            return new TimerSpec(kind, DateOnly.ParseExact(p[2], "yyyyMMdd"), step,
                new DateTimeOffset(DateTime.ParseExact(p[0], "yyyyMMddTHHmmss", null), TimeSpan.Zero));
        }
    }
}
