using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>Tasks completed by ID, the actor in history, SRO purchase order numbers and MAPPA contact details, through the real app.</summary>
[Collection(ApiCollection.Name)]
public sealed class GuidanceApiTests(SharedApp shared)
{
    private readonly SesApp _app = shared.App;

    private static async Task<HttpResponseMessage> CompleteAsync(HttpClient client, string id, string taskId, object? body = null) =>
        body is null
            ? await client.PostAsync($"/api/journeys/{id}/tasks/{taskId}/complete", null)
            : await client.PostAsJsonAsync($"/api/journeys/{id}/tasks/{taskId}/complete", body);

    private static JsonElement Task(JsonElement journey, string task) =>
        journey.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == task);

    [Fact] // SPEC 5: tasks/{taskId}/complete; 13.31: the SPoC call after a not-suitable assessment
    public async Task A_provider_completes_its_task_once_with_who_and_when_and_others_cannot()
    {
        var id = Referrals.NewId();
        var staff = _app.Client(SesApp.ProviderAKey);
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var closed = await Referrals.EventAsync(staff, id,
            new { type = "initial-assessment-held", occurredOn = "2026-03-03", recommendation = "not-suitable", reason = "x" });
        var call = Task(closed, "telephone-spoc");
        var taskId = call.GetProperty("taskId").GetString()!;
        Assert.False(call.GetProperty("completed").GetBoolean());

        Assert.Equal(HttpStatusCode.NotFound, (await CompleteAsync(_app.Client(SesApp.ProviderBKey), id, taskId)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await CompleteAsync(_app.Client(SesApp.OfficerKey), id, taskId)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CompleteAsync(_app.CreateClient(), id, taskId)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await CompleteAsync(staff, id, "t99")).StatusCode);

        var done = await CompleteAsync(staff, id, taskId, new { note = "Called Jo at the Jobcentre" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var completed = Task(await done.Content.ReadFromJsonAsync<JsonElement>(), "telephone-spoc");
        Assert.True(completed.GetProperty("completed").GetBoolean());
        Assert.Equal("prov-a-staff", completed.GetProperty("completedBy").GetProperty("name").GetString());
        Assert.Equal("provider", completed.GetProperty("completedBy").GetProperty("role").GetString());
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), completed.GetProperty("completedAt").GetDateTimeOffset());

        var again = await CompleteAsync(_app.Client(SesApp.OperatorKey), id, taskId);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applied").GetBoolean());
        var history = (await Referrals.GetAsync(staff, $"/api/journeys/{id}/history")).GetProperty("items");
        var entry = Assert.Single(history.EnumerateArray(), h => h.GetProperty("kind").GetString() == "task-completed");
        Assert.Equal("prov-a-staff", entry.GetProperty("actor").GetProperty("name").GetString());
    }

    [Fact] // SPEC 5.1: every history entry records its actor, the key's name and role, never the key; timers are system
    public async Task History_records_the_actor_of_every_entry_and_system_for_timers()
    {
        await using var app = new SesApp();
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        await Referrals.EventAsync(app.Client(SesApp.ProviderAKey), id, new { type = "prap-acknowledged", occurredOn = "2026-03-02" });
        await Referrals.EventAsync(app.Client(SesApp.OperatorKey), id, new { type = "initial-assessment-booked", occurredOn = "2026-03-02", appointmentOn = "2026-03-04" });
        await app.AdvanceAsync("P5D"); // the UCPR1 chase fires (13.14)

        var history = (await Referrals.GetAsync(app.Client(SesApp.OperatorKey), $"/api/journeys/{id}/history")).GetProperty("items");
        var text = history.GetRawText();
        foreach (var key in new[] { SesApp.ReferralKey, SesApp.ProviderAKey, SesApp.OperatorKey }) Assert.DoesNotContain(key, text);
        (string Name, string Role) ActorOf(string kind)
        {
            var actor = history.EnumerateArray().First(h => h.GetProperty("kind").GetString()!.StartsWith(kind)).GetProperty("actor");
            return (actor.GetProperty("name").GetString()!, actor.GetProperty("role").GetString()!);
        }
        Assert.Equal(("prap-gateway", "referral-system"), ActorOf("referral-received"));
        Assert.Equal(("prap-gateway", "referral-system"), ActorOf("deadline-scheduled:ucpr1-chase"));
        Assert.Equal(("prov-a-staff", "provider"), ActorOf("event-reported:prap-acknowledged"));
        Assert.Equal(("key-3", "operator"), ActorOf("event-reported:initial-assessment-booked")); // no Name configured
        Assert.Equal(("system", "system"), ActorOf("timer-fired:ucpr1-chase"));
        Assert.Equal(("system", "system"), ActorOf("deadline-missed:ucpr1-chase"));
        Assert.All(history.EnumerateArray(), h => Assert.NotEqual("unknown", h.GetProperty("actor").GetProperty("name").GetString()));
    }

    [Fact] // SPEC 4.4: overdue while a missed deadline's work is not done; it clears when the work is done late
    public async Task A_journey_stops_being_listed_overdue_when_the_missed_work_is_done()
    {
        await using var app = new SesApp();
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        await app.AdvanceAsync("P5D"); // the UCPR1 chase is missed (13.14)
        var ops = app.Client(SesApp.OperatorKey);
        Assert.Contains(id, (await Referrals.GetAsync(ops, "/api/journeys?overdue=true")).GetRawText());
        await Referrals.EventAsync(app.Client(SesApp.ProviderAKey), id, new { type = "ucpr1-received", occurredOn = "2026-03-07" });
        Assert.DoesNotContain(id, (await Referrals.GetAsync(ops, "/api/journeys?overdue=true")).GetRawText());
        var row = (await Referrals.GetAsync(ops, "/api/journeys?pageSize=200")).GetProperty("items").EnumerateArray()
            .Single(j => j.GetProperty("journeyId").GetString() == id);
        Assert.False(row.GetProperty("overdue").GetBoolean());
        Assert.Equal("first-meeting", row.GetProperty("nextDeadline").GetString());
    }

    [Fact] // 13.49: the confirmed introduction takes the PRaP number; JCP's PRaP referral with it is the same journey
    public async Task A_PRaP_referral_for_a_confirmed_SRO_introduction_resolves_to_the_same_journey()
    {
        var intro = "intro-" + Guid.NewGuid().ToString("N")[..8];
        var po = Referrals.NewId(universalCredit: false);
        var intake = _app.Client(SesApp.ReferralKey);
        var created = await Referrals.CreateAsync(intake, Referrals.Body(intro, channel: "sro", benefit: "ESA"));
        var journeyId = created.GetProperty("journeyId").GetString()!;
        Assert.Equal($"sro-{intro}", journeyId);

        var confirmed = await Referrals.EventAsync(_app.Client(SesApp.ProviderAKey), journeyId,
            new { type = "sro-eligibility-confirmed", occurredOn = "2026-03-03", prapReferralId = po });
        Assert.Equal(po, confirmed.GetProperty("referralId").GetString());
        Assert.Contains("Track and Trace", Task(confirmed, "send-sessro1").GetProperty("detail").GetString()); // 13.48

        var prap = await intake.PostAsJsonAsync("/api/referrals", Referrals.Body(po, referralDate: "2026-03-04", benefit: "ESA"));
        Assert.Equal(HttpStatusCode.OK, prap.StatusCode);
        Assert.Equal(journeyId, (await prap.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("journeyId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client(SesApp.OperatorKey).GetAsync($"/api/journeys/{po}")).StatusCode);

        // A second introduction cannot take the same number.
        var other = "intro-" + Guid.NewGuid().ToString("N")[..8];
        await Referrals.CreateAsync(intake, Referrals.Body(other, channel: "sro", benefit: "ESA"));
        var clash = await _app.Client(SesApp.ProviderAKey).PostAsJsonAsync($"/api/journeys/sro-{other}/events",
            new { type = "sro-eligibility-confirmed", occurredOn = "2026-03-03", prapReferralId = po });
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        Assert.Equal("introduced", (await Referrals.GetAsync(_app.Client(SesApp.OperatorKey), $"/api/journeys/sro-{other}")).GetProperty("phase").GetString());
    }

    [Fact] // 13.49 under concurrency: a PRaP referral and a confirmation racing for one number never make two journeys
    public async Task A_PRaP_referral_racing_an_SRO_confirmation_never_makes_two_journeys()
    {
        var intake = _app.Client(SesApp.ReferralKey);
        var staff = _app.Client(SesApp.ProviderAKey);
        var ops = _app.Client(SesApp.OperatorKey);
        var pairs = new List<(string Intro, string Po)>();
        for (var i = 0; i < 8; i++)
        {
            var intro = "race-" + Guid.NewGuid().ToString("N")[..8];
            await Referrals.CreateAsync(intake, Referrals.Body(intro, channel: "sro", benefit: "ESA"));
            pairs.Add(($"sro-{intro}", Referrals.NewId(universalCredit: false)));
        }
        await System.Threading.Tasks.Task.WhenAll(pairs.SelectMany(p => new[]
        {
            intake.PostAsJsonAsync("/api/referrals", Referrals.Body(p.Po, referralDate: "2026-03-04", benefit: "ESA")),
            staff.PostAsJsonAsync($"/api/journeys/{p.Intro}/events", new { type = "sro-eligibility-confirmed", occurredOn = "2026-03-03", prapReferralId = p.Po }),
        }));
        foreach (var (intro, po) in pairs)
        {
            var prapJourney = (await ops.GetAsync($"/api/journeys/{po}")).StatusCode == HttpStatusCode.OK;
            var introTookIt = (await Referrals.GetAsync(ops, $"/api/journeys/{intro}")).GetProperty("referralId").GetString() == po;
            Assert.True(prapJourney ^ introTookIt, $"{po}: PRaP journey {prapJourney}, introduction took it {introTookIt}");
        }
    }

    [Fact] // 13.52-13.57, 13.74, 13.77: SCR journeys have the nominated officer's SL2 tasks and no PRaP events
    public async Task An_SCR_journey_has_SL2_tasks_only_the_nominated_officer_completes_and_refuses_PRaP_events()
    {
        var number = Referrals.NewId(universalCredit: false);
        var created = await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(number, channel: "scr", benefit: "ESA"));
        var id = created.GetProperty("journeyId").GetString()!;
        Assert.Equal($"scr-{number}", id);
        var officer = _app.Client(SesApp.OfficerKey);
        var page1 = Task(await Referrals.GetAsync(officer, $"/api/journeys/{id}"), "sl2-page-1");
        Assert.Equal("nominated-officer", page1.GetProperty("assignee").GetString());

        var staff = _app.Client(SesApp.ProviderAKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await CompleteAsync(staff, id, page1.GetProperty("taskId").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CompleteAsync(officer, id, page1.GetProperty("taskId").GetString()!)).StatusCode);
        await Referrals.EventAsync(staff, id, new { type = "prap-acknowledged", occurredOn = "2026-03-02" }, HttpStatusCode.Conflict);
        var assessed = await Referrals.EventAsync(staff, id, new { type = "initial-assessment-held", occurredOn = "2026-03-03", recommendation = "main" });
        Assert.Equal("nominated-officer", Task(assessed, "sl2-referral-form").GetProperty("assignee").GetString());
    }

    [Fact] // 13.70: a MAPPA participant's contact details come later, and only a nominated officer adds them
    public async Task Only_a_nominated_officer_adds_MAPPA_contact_details()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id, mappa: true));
        var details = new { type = "contact-details-added", occurredOn = "2026-03-03", phone = "07700 900999", postcode = "m1 1aa" };
        await Referrals.EventAsync(_app.Client(SesApp.ProviderAKey), id, details, HttpStatusCode.Forbidden);
        var officer = _app.Client(SesApp.OfficerKey);
        await Referrals.EventAsync(officer, id, new { type = "prap-acknowledged", occurredOn = "2026-03-02" }, HttpStatusCode.Forbidden);
        var journey = await Referrals.EventAsync(officer, id, details);
        Assert.Equal("07700 900999", journey.GetProperty("referral").GetProperty("participant").GetProperty("phone").GetString());
        Assert.Equal(3, journey.GetProperty("tasks").EnumerateArray().Count(t => t.GetProperty("assignee").GetString() == "nominated-officer"));
        var forStaff = await Referrals.GetAsync(_app.Client(SesApp.ProviderAKey), $"/api/journeys/{id}");
        Assert.DoesNotContain("900999", forStaff.GetRawText()); // SPEC 6: restricted
    }
}
