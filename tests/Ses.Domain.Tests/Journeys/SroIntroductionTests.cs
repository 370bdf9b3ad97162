using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>SRO introductions (13.44-13.51).</summary>
public sealed class SroIntroductionTests
{
    private static JourneySpec Confirmed() => new JourneySpec().Given(Referral("abc123", channel: Channel.Sro, benefit: Benefit.Esa))
        .Given(new SroEligibilityConfirmed(new DateOnly(2026, 3, 4), "100123456"), At(2026, 3, 4));

    [Fact] // 13.49: JCP refers through PRaP with the purchase order number; the journey takes it as its referral ID
    public void A_confirmed_introduction_takes_its_PRaP_purchase_order_number_and_keeps_its_journey_id()
    {
        var spec = Confirmed();
        Assert.Equal("100123456", spec.State.ReferralId);
        Assert.Equal("sro-abc123", spec.State.JourneyId);
        Assert.Equal(Phase.Referred, spec.State.Phase);
        Assert.False(spec.State.UniversalCredit);
    }

    [Fact] // 13.47-13.48: SESSRO1 by secure post (at least Track and Trace), logged for audit
    public void Confirming_eligibility_creates_the_task_to_send_SESSRO1_by_secure_post_and_log_it()
    {
        var spec = Confirmed();
        var task = Assert.Single(spec.State.Tasks);
        Assert.Equal("send-sessro1", task.Task);
        Assert.Equal(TaskAssignee.Provider, task.Assignee);
        Assert.Contains("Track and Trace", task.Detail);
        spec.When(new CompleteTask(task.TaskId, "RN123456785GB", At(2026, 3, 5)) { By = new Actor("prov-a-admin", "provider") }).ThenAccepted();
        Assert.Equal("RN123456785GB", spec.State.Tasks.Single().Note);
    }

    [Fact] // 13.51 contrast: not eligible creates no SESSRO1 task
    public void An_introduction_not_eligible_creates_no_SESSRO1_task()
    {
        var spec = new JourneySpec().Given(Referral("abc124", channel: Channel.Sro))
            .Given(new SroNotEligible(new DateOnly(2026, 3, 4), "already on Work Choice (13.46)"), At(2026, 3, 4));
        Assert.Empty(spec.State.Tasks);
    }
}
