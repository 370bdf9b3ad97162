using Ses.Domain.Referrals;

namespace Ses.Domain.Journeys;

/// <summary>Work for people: the nominated officer's SCR and MAPPA tasks, SESSRO1 by secure post, and completing tasks.</summary>
public static partial class JourneyDecider
{
    /// <summary>The SCR (SL2) and MAPPA work that starts when the referral arrives. Texts carry no personal data.</summary>
    private static IEnumerable<JourneyEvent> RestrictedRecordTasks(Referral referral)
    {
        if (referral.Channel == Channel.Scr)
        {
            yield return OfficerTask("sl2-page-1",
                "Complete page 1 of the SL2 (keep pages 2 and 3), mark it \"SCR participant\" at the top and return it to the JCP nominated officer by secure means (13.54-13.55, 13.57, 13.77).");
        }
        if (referral.Mappa)
        {
            yield return OfficerTask("mappa-restrictions",
                "Take the JCP nominated officer's call about the risks and restrictions for this MAPPA participant and record that they are in place (13.59, 13.68).");
            yield return OfficerTask("mappa-j-form",
                "Receive the MAPPA J form by secure post and hold it securely with restricted access, as for SL2s (13.68-13.69).");
            yield return OfficerTask("mappa-contact-details",
                "Obtain the participant's contact details from the JCP nominated officer and add them with contact-details-added (13.58, 13.70).");
        }
    }

    /// <summary>13.56, 13.77: after the assessment of an SCR participant the nominated officer returns the referral form.</summary>
    private static IEnumerable<JourneyEvent> ScrAssessmentTask(Journey state)
    {
        if (state.Referral.Channel != Channel.Scr) yield break;
        yield return OfficerTask("sl2-referral-form",
            "Complete the SL2 referral form after the assessment, mark it \"SCR participant\" at the top and return it to the JCP nominated officer by secure means (13.56-13.57, 13.77).");
    }

    /// <summary>13.47-13.48: the SESSRO1 copy goes to the JCP SPoC by secure post (at least Track and Trace), logged for audit.</summary>
    private static TaskCreated Sessro1Task() => new("send-sessro1",
        "Send a copy of the completed SESSRO1 (with the consent part) to the JCP SPoC by secure post, at least Track and Trace; complete this task with the tracking reference as its note, then tell the SPoC it was sent (13.47-13.48).");

    private static TaskCreated OfficerTask(string task, string detail) => new(task, detail, TaskAssignee.NominatedOfficer);

    /// <summary>
    /// Completing a task records who and when; again is nothing. A nominated officer's task is theirs alone: 13.77 says
    /// the SL2 work "should always be undertaken by your Nominated Officer".
    /// </summary>
    private static Decision CompleteTask(Journey state, CompleteTask c)
    {
        var task = state.Tasks.FirstOrDefault(t => t.TaskId == c.TaskId);
        if (task is null) return Decision.Reject(RejectionKind.NotFound, $"The journey has no task '{c.TaskId}'.");
        if (task.Done) return Decision.Nothing;
        if (task.Assignee == TaskAssignee.NominatedOfficer && c.By.Role != Actor.NominatedOfficerRole)
        {
            return Decision.Reject(RejectionKind.Forbidden, $"Task '{c.TaskId}' ({task.Task}) is for the nominated officer (13.77).");
        }
        return Decision.Accept([new TaskCompleted(c.TaskId, c.Note, c.Now)]);
    }

    /// <summary>
    /// 13.70: contact details of a MAPPA participant come from the JCP nominated officer, to the provider's nominated officer.
    /// Recording them does the work of the open contact-details task.
    /// </summary>
    private static Decision AddContactDetails(Journey state, ContactDetailsAdded e, RecordEvent command)
    {
        if (command.By.Role != Actor.NominatedOfficerRole)
        {
            return Decision.Reject(RejectionKind.Forbidden, "Only a nominated officer adds contact details (13.70).");
        }
        if (e.Postcode is not null && !Postcode.TryParse(e.Postcode, out _, out var error))
        {
            return Decision.Reject(RejectionKind.BusinessRule, $"postcode: {error}");
        }
        if (e.Phone is null && e.AlternativePhone is null && e.Address is null && e.Postcode is null)
        {
            return Decision.Reject(RejectionKind.BusinessRule, "Give at least one of phone, alternativePhone, address, postcode.");
        }
        return Decision.Accept(state.Tasks.Where(t => t.Task == "mappa-contact-details" && !t.Done)
            .Select(t => new TaskCompleted(t.TaskId, "contact-details-added", command.Now)).ToArray());
    }
}
