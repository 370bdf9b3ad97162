using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using static Ses.Domain.Tests.Journeys.JourneySpec;

namespace Ses.Domain.Tests.Journeys;

/// <summary>SCR (SL2, 13.52-13.57, 13.74-13.78) and MAPPA (13.58-13.60, 13.68-13.71): the nominated officer's work.</summary>
public sealed class RestrictedRecordTests
{
    private static readonly Actor Officer = new("no-officer", Actor.NominatedOfficerRole);
    private static readonly Actor Staff = new("provider-a-staff", "provider");

    private static Referral Scr(Benefit benefit = Benefit.Esa) => Referral("SL2-0001", channel: Channel.Scr, benefit: benefit);

    [Fact] // 13.54-13.55, 13.57, 13.77: on receipt, page 1 goes back to the JCP nominated officer, marked "SCR participant"
    public void A_non_UC_SCR_referral_gives_the_nominated_officer_the_SL2_page_1_task_on_receipt()
    {
        var spec = new JourneySpec().Given(Scr());
        var task = Assert.Single(spec.State.Tasks);
        Assert.Equal("sl2-page-1", task.Task);
        Assert.Equal(TaskAssignee.NominatedOfficer, task.Assignee);
        Assert.Contains("SCR participant", task.Detail);
        Assert.Contains("13.55", task.Detail);
        Assert.Equal("t1", task.TaskId);
    }

    [Theory] // 13.56: after the assessment, whatever it recommends, the referral form goes back to the JCP nominated officer
    [InlineData(Recommendation.Main)]
    [InlineData(Recommendation.NotSuitable)]
    public void After_the_assessment_of_an_SCR_participant_the_nominated_officer_returns_the_referral_form(Recommendation recommendation)
    {
        var spec = new JourneySpec().Given(Scr())
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), recommendation), At(2026, 3, 5));
        var task = Assert.Single(spec.Emitted<TaskCreated>(), t => t.Task == "sl2-referral-form");
        Assert.Equal(TaskAssignee.NominatedOfficer, task.Assignee);
        Assert.Contains("SCR participant", task.Detail);
        Assert.Equal("t2", task.TaskId);
        Assert.Empty(spec.Emails); // 13.57, 13.78: SCR details are never emailed
    }

    [Theory] // 13.53, 13.74: nothing is acknowledged or accepted in PRaP for a clerical SCR referral
    [InlineData("prap-acknowledged")]
    [InlineData("strand-referral-accepted")]
    [InlineData("referral-rejected")]
    public void An_SCR_journey_refuses_PRaP_events(string type)
    {
        var spec = new JourneySpec().Given(Scr())
            .Given(new InitialAssessmentHeld(new DateOnly(2026, 3, 5), Recommendation.Main), At(2026, 3, 5));
        ReportedEvent reported = type switch
        {
            "prap-acknowledged" => new PrapAcknowledged(new DateOnly(2026, 3, 6)),
            "strand-referral-accepted" => new StrandReferralAccepted(new DateOnly(2026, 3, 6), "200888888"),
            _ => new ReferralRejected(new DateOnly(2026, 3, 6)),
        };
        var rejection = spec.When(reported, At(2026, 3, 6)).ThenRejected(RejectionKind.NotAllowed);
        Assert.DoesNotContain(type, rejection.AllowedEvents);
        Assert.Contains("started", rejection.AllowedEvents);
    }

    [Fact] // 13.53 contrast: a PRaP journey still accepts the PRaP acknowledgement
    public void A_PRaP_journey_still_accepts_the_acknowledgement() =>
        new JourneySpec().Given(Referral()).When(new PrapAcknowledged(new DateOnly(2026, 3, 3)), At(2026, 3, 3)).ThenAccepted();

    [Fact] // 13.59, 13.68-13.70: restrictions, the MAPPA J form by secure post and the contact details, all for the nominated officer
    public void A_MAPPA_referral_gives_the_nominated_officer_the_restrictions_J_form_and_contact_details_tasks()
    {
        var spec = new JourneySpec().Given(Referral(mappa: true));
        Assert.Equal(new[] { "mappa-restrictions", "mappa-j-form", "mappa-contact-details" }, spec.State.Tasks.Select(t => t.Task));
        Assert.All(spec.State.Tasks, t => Assert.Equal(TaskAssignee.NominatedOfficer, t.Assignee));
        Assert.Equal(new[] { "t1", "t2", "t3" }, spec.State.Tasks.Select(t => t.TaskId));
    }

    [Fact] // 13.70: the JCP nominated officer provides the contact details later; only a nominated officer records them
    public void Only_a_nominated_officer_adds_a_MAPPA_participants_contact_details()
    {
        var added = new ContactDetailsAdded(new DateOnly(2026, 3, 4), Phone: "0113 496 0000", Address: "1 Secure Road", Postcode: "ls1 4ab");
        var spec = new JourneySpec().Given(Referral(mappa: true));
        spec.When(new RecordEvent(added, null, At(2026, 3, 4)) { By = Staff }).ThenRejected(RejectionKind.Forbidden);
        Assert.Null(spec.State.Referral.Participant.Phone);

        spec.When(new RecordEvent(added, null, At(2026, 3, 4)) { By = Officer }).ThenAccepted();
        Assert.Equal("0113 496 0000", spec.State.Referral.Participant.Phone);
        Assert.Equal("1 Secure Road", spec.State.Referral.Participant.Address);
        Assert.Equal("LS1 4AB", spec.State.Referral.Participant.Postcode?.Value);
        Assert.All(spec.Last.Events, e => Assert.Equal(Officer, e.By));
        var task = spec.State.Tasks.Single(t => t.Task == "mappa-contact-details"); // its work is done
        Assert.True(task.Done);
        Assert.Equal(Officer, task.CompletedBy);
    }

    [Fact] // 13.70 applies to MAPPA records only
    public void Contact_details_cannot_be_added_to_an_ordinary_PRaP_journey()
    {
        var spec = new JourneySpec().Given(Referral());
        spec.When(new RecordEvent(new ContactDetailsAdded(new DateOnly(2026, 3, 4), Phone: "0113"), null, At(2026, 3, 4)) { By = Officer })
            .ThenRejected(RejectionKind.NotAllowed);
    }

    [Fact] // 13.77: SL2 work "should always be undertaken by your Nominated Officer"
    public void A_nominated_officer_task_is_completed_by_a_nominated_officer_with_who_and_when()
    {
        var spec = new JourneySpec().Given(Scr());
        spec.When(new CompleteTask("t1", null, At(2026, 3, 3)) { By = Staff }).ThenRejected(RejectionKind.Forbidden);
        spec.When(new CompleteTask("t1", "returned by secure courier", At(2026, 3, 3)) { By = Officer }).ThenAccepted();
        var task = spec.State.Tasks.Single();
        Assert.True(task.Done);
        Assert.Equal(Officer, task.CompletedBy);
        Assert.Equal(At(2026, 3, 3), task.CompletedAt);
        Assert.Equal("returned by secure courier", task.Note);
    }
}
