using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>Every route of SPEC 5 and its status codes, through the real pipeline on Azurite.</summary>
[Collection(ApiCollection.Name)]
public sealed class EndpointTests(SharedApp shared)
{
    private readonly SesApp _app = shared.App;

    [Fact]
    public async Task A_referral_is_created_once_then_repeated_idempotently_and_a_different_body_conflicts()
    {
        var id = Referrals.NewId();
        var intake = _app.Client(SesApp.ReferralKey);
        var created = await intake.PostAsJsonAsync("/api/referrals", Referrals.Body(id));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/journeys/{id}", created.Headers.Location?.ToString());
        var journey = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(journey.GetProperty("universalCredit").GetBoolean());
        Assert.Equal("referred", journey.GetProperty("phase").GetString());
        Assert.Equal("2026-03-06", Referrals.Deadline(journey, "ucpr1-chase").GetProperty("due").GetString());
        Assert.Equal("pending", journey.GetProperty("outcomes").GetProperty("short").GetProperty("state").GetString());

        var again = await intake.PostAsJsonAsync("/api/referrals", Referrals.Body(id));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());

        var different = await intake.PostAsJsonAsync("/api/referrals", Referrals.Body(id, referralDate: "2026-03-03"));
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
    }

    [Fact] // issue 9: the benchmark reads the storage requests per operation from here
    public async Task Storage_round_trips_count_the_requests_an_operation_sends_for_operators_only()
    {
        var operatorClient = _app.Client(SesApp.OperatorKey);
        var before = await Referrals.GetAsync(operatorClient, "/api/admin/storage/round-trips");
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(Referrals.NewId()));
        var after = await Referrals.GetAsync(operatorClient, "/api/admin/storage/round-trips");
        Assert.True(after.GetProperty("count").GetInt64() > before.GetProperty("count").GetInt64(), $"{before} then {after}");

        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/api/admin/storage/round-trips")).StatusCode);
        foreach (var key in new[] { SesApp.ReferralKey, SesApp.ProviderAKey, SesApp.OfficerKey })
        {
            var refused = await _app.Client(key).GetAsync("/api/admin/storage/round-trips");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact] // SPEC 8: Providers:{id}:Region
    public async Task A_referral_without_a_region_takes_its_providers_and_an_unknown_provider_is_refused()
    {
        var id = Referrals.NewId();
        var body = Referrals.Body(id, referralDate: "2026-04-02", provider: "prov-b");
        body.Remove("region");
        var journey = await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), body);
        Assert.Equal("scotland", journey.GetProperty("region").GetString());
        Assert.Equal("2026-04-09", Referrals.Deadline(journey, "ucpr1-chase").GetProperty("due").GetString()); // no Easter Monday in Scotland

        var unknown = await _app.Client(SesApp.ReferralKey).PostAsJsonAsync("/api/referrals", Referrals.Body(Referrals.NewId(), provider: "prov-z"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task Invalid_fields_are_reported_together_by_name()
    {
        var body = Referrals.Body("300000000");
        ((Dictionary<string, object?>)body["participant"]!)["nino"] = "QQ123456Z";
        var response = await _app.Client(SesApp.ReferralKey).PostAsJsonAsync("/api/referrals", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("referralId", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("participant.nino", out _), errors.ToString());
    }

    [Fact]
    public async Task An_event_the_phase_does_not_allow_is_409_listing_the_allowed_events()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var problem = await Referrals.EventAsync(_app.Client(SesApp.ProviderAKey), id,
            new { type = "job-started", startOn = "2026-03-10", hoursPerWeek = 20 }, HttpStatusCode.Conflict);
        var allowed = problem.GetProperty("allowedEvents").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Contains("initial-assessment-held", allowed);
        Assert.DoesNotContain("job-started", allowed);
    }

    [Fact] // 6.02, 6.04
    public async Task A_job_start_outside_the_tracking_window_is_422_and_records_nothing()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        await Referrals.EventAsync(staff, id, new { type = "initial-assessment-held", occurredOn = "2026-03-03", recommendation = "main" });
        await Referrals.EventAsync(staff, id, new { type = "started", startOn = "2026-03-04" });
        var left = await Referrals.EventAsync(staff, id, new { type = "left-early", leftOn = "2026-03-20" });
        await Referrals.EventAsync(staff, id, new { type = "job-started", startOn = "2026-05-02", hoursPerWeek = 20 }, HttpStatusCode.UnprocessableEntity);
        var after = await Referrals.GetAsync(staff, $"/api/journeys/{id}");
        Assert.Equal(left.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Equal("tracking", after.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task Journeys_are_listed_in_pages_with_continuation_tokens_and_filters()
    {
        var provider = "prov-b";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = Referrals.NewId();
            ids.Add(id);
            await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id, provider: provider));
        }
        var client = _app.Client(SesApp.ProviderBKey);
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var url = "/api/journeys?pageSize=2&phase=referred" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await Referrals.GetAsync(client, url);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("journeyId").GetString()!));
            token = page.GetProperty("continuationToken").GetString();
            pages++;
        }
        while (token is not null && pages < 50);
        Assert.Superset(ids.ToHashSet(), seen.ToHashSet());
        Assert.True(pages >= 3);
        var none = await Referrals.GetAsync(client, "/api/journeys?phase=in-work");
        Assert.Empty(none.GetProperty("items").EnumerateArray());
        var bad = await client.GetAsync("/api/journeys?phase=flying");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Documents_are_stored_listed_and_refused_when_of_the_wrong_type()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        var ok = await staff.PostAsync($"/api/journeys/{id}/documents", Upload("isp", "application/pdf", "isp.pdf"));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var wrongType = await staff.PostAsync($"/api/journeys/{id}/documents", Upload("isp", "application/x-msdownload", "isp.exe"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        var wrongKind = await staff.PostAsync($"/api/journeys/{id}/documents", Upload("selfie", "image/png", "me.png"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        var list = await Referrals.GetAsync(staff, $"/api/journeys/{id}/documents");
        var doc = Assert.Single(list.EnumerateArray());
        Assert.Equal("isp", doc.GetProperty("kind").GetString());
        Assert.Equal("isp.pdf", doc.GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task A_document_over_ten_megabytes_is_413()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var big = new MultipartFormDataContent { { new StringContent("employment-evidence"), "kind" } };
        var file = new ByteArrayContent(new byte[11 * 1024 * 1024]);
        file.Headers.ContentType = new("application/pdf");
        big.Add(file, "file", "payslips.pdf");
        var response = await _app.Client(SesApp.ProviderAKey).PostAsync($"/api/journeys/{id}/documents", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task The_statistics_report_answers_in_json_and_csv()
    {
        var ops = _app.Client(SesApp.OperatorKey);
        var json = await Referrals.GetAsync(ops, "/api/reports/statistics?asOf=2026-06-01&rounding=publication");
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        var csv = await ops.GetAsync("/api/reports/statistics?asOf=2026-06-01&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains(",", await csv.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.GetAsync("/api/reports/statistics?asOf=June")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_api()
    {
        var doc = await Referrals.GetAsync(_app.CreateClient(), "/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/referrals", out _));
        Assert.True(paths.TryGetProperty("/api/journeys/{id}/events", out _));
        Assert.True(paths.GetProperty("/api/referrals").GetProperty("post").TryGetProperty("requestBody", out _));
        var key = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("FunctionsKey");
        Assert.Equal("x-functions-key", key.GetProperty("name").GetString());
        var page = await _app.CreateClient().GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static MultipartFormDataContent Upload(string kind, string contentType, string name)
    {
        var form = new MultipartFormDataContent { { new StringContent(kind), "kind" } };
        var file = new ByteArrayContent("document body"u8.ToArray());
        file.Headers.ContentType = new(contentType);
        form.Add(file, "file", name);
        return form;
    }
}
