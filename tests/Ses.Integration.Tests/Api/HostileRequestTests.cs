using System.Net;
using System.Text;
using System.Text.Json;
using Ses.Domain;
using Ses.Domain.Journeys;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>
/// A corpus of malformed and hostile requests: never a 5xx, always a problem+json body, and the journey's version is
/// unchanged (SPEC 5: a rejected request changes nothing).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileRequestTests(SharedApp shared)
{
    private readonly SesApp _app = shared.App;

    public static IEnumerable<object[]> ReferralBodies() => ReferralCorpus().Select(b => new object[] { b });

    public static IEnumerable<object[]> EventBodies() => EventCorpus().Select(b => new object[] { b });

    private static IEnumerable<string> ReferralCorpus()
    {
        string With(Action<Dictionary<string, object?>> change)
        {
            var body = Referrals.Body("2" + Random.Shared.Next(10_000_000, 99_999_999));
            change(body);
            return JsonSerializer.Serialize(body);
        }
        Dictionary<string, object?> P(Dictionary<string, object?> b) => (Dictionary<string, object?>)b["participant"]!;
        yield return "";
        yield return "{";
        yield return "null";
        yield return "[]";
        yield return "\"text\"";
        yield return "{\"referralId\": }";
        yield return "{'referralId': '200123456'}";
        yield return "{\"referralId\": \"200123456\"";
        yield return new string('[', 5000);
        yield return "{\"referralId\": 200123456}";
        yield return "{}";
        foreach (var po in new[] { "", "12345678", "1234567890", "300123456", "000123456", "20012345a", "２00123456", " 200123456", "200 123456", "-20012345" })
        {
            yield return With(b => b["referralId"] = po);
        }
        yield return With(b => b["referralId"] = null);
        yield return With(b => b["referralId"] = new[] { "200123456" });
        foreach (var nino in new[] { "", "AB123456", "AB123456E", "DA123456A", "FA123456A", "AO123456A", "BG123456A", "GB123456A", "NK123456A", "TN123456A", "ZZ123456A", "A1234567A", "AB12345CA", "QQ123456C", "AB1234567C", "123456789" })
        {
            yield return With(b => P(b)["nino"] = nino);
        }
        yield return With(b => P(b)["nino"] = 12345);
        foreach (var date in new[] { "", "2026-02-30", "2026/03/02", "02-03-2026", "2099-01-01", "yesterday", "2026-13-01", "1999-01-01" })
        {
            yield return With(b => b["referralDate"] = date);
        }
        yield return With(b => b["referralDate"] = 20260302);
        foreach (var postcode in new[] { "12345", "LS1", "QQQ QQQ", "L", "LS1 4AB X" })
        {
            yield return With(b => P(b)["postcode"] = postcode);
        }
        yield return With(b => b["region"] = "wales");
        yield return With(b => b["channel"] = "fax");
        yield return With(b => b["mappa"] = "yes");
        yield return With(b => b["mappa"] = true);
        yield return With(b => P(b)["benefit"] = "PIP");
        yield return With(b => P(b)["monthsEmployedInPrior24"] = 25);
        yield return With(b => P(b)["monthsEmployedInPrior24"] = -1);
        yield return With(b => P(b)["monthsEmployedInPrior24"] = "six");
        yield return With(b => P(b)["disability"] = "maybe");
        yield return With(b => P(b)["forename"] = new string('x', 100_000));
        yield return With(b => P(b)["surname"] = "");
        yield return With(b => P(b)["forename"] = null);
        yield return With(b => b["participant"] = null);
        yield return With(b => b["participant"] = "someone");
        yield return With(b => b["spoc"] = new { name = "x", email = "not-an-email" });
        yield return With(b => b["spoc"] = null);
        yield return With(b => b["provider"] = "");
        yield return With(b => b["provisionId"] = null);
        // Overlong text in every text field, just over the limit and far over it (Azure Table's 64 KiB property limit).
        foreach (var length in new[] { InputLimits.FreeText + 1, 32_001 })
        {
            foreach (var field in ReferralTextFields) yield return With(b => Set(b, field, new string('x', length)));
        }
        // Null bytes, other control characters and lone surrogates (JSON escapes, so the body itself is valid UTF-8).
        foreach (var bad in new[] { @"Ada\u0000", @"\u0000", @"A\u001bda", @"Ada\ud800", @"\udc00Ada", @"A\u0085B" })
        {
            foreach (var field in new[] { "participant.forename", "participant.address", "spoc.name", "participant.clientNumber" })
            {
                yield return With(b => Set(b, field, "@@")).Replace("@@", bad);
            }
        }
        yield return With(b => P(b)["nino"] = "@@").Replace("@@", @"JG103759A\u0000");
        yield return With(b => P(b)["postcode"] = "@@").Replace("@@", @"LS1\u00004AB");
        // Extreme dates.
        foreach (var date in new[] { "0001-01-01", "9999-12-31", "2014-12-31", "2101-01-01", "+2026-03-02", "2026-03-02T00:00:00Z", "99999-01-01", "-0001-01-01" })
        {
            yield return With(b => b["referralDate"] = date);
        }
        // Huge numbers and number shapes JSON does not have.
        foreach (var number in new[] { "1e400", "-1e400", "99999999999999999999999", "2147483648", "6.5", "0x10", "NaN", "Infinity", "-0.0e-400", "1E2" })
        {
            yield return With(b => P(b)["monthsEmployedInPrior24"] = "@@").Replace("\"@@\"", number);
        }
        // A property given twice: neither value may silently win.
        yield return With(_ => { }).Replace("\"referralId\":", "\"referralId\":\"100000001\",\"referralId\":");
        yield return With(_ => { }).Replace("\"forename\":", "\"forename\":\"Eve\",\"forename\":");
        yield return With(_ => { }).Replace("\"mappa\":false", "\"mappa\":false,\"mappa\":true");
        yield return With(_ => { }).Replace("\"participant\":", "\"participant\":null,\"participant\":");
        // Deep nesting inside a field, and as the whole body.
        yield return With(b => P(b)["address"] = "@@").Replace("\"@@\"", new string('[', 70) + new string(']', 70));
        yield return With(b => b["spoc"] = "@@").Replace("\"@@\"", string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100));
        yield return string.Concat(Enumerable.Repeat("{\"a\":", 50_000));
        // Odd tokens around or instead of an object.
        yield return "\0";
        yield return With(_ => { }) + "\0";
        yield return With(_ => { }) + " {}";
        yield return "{} {}";
        yield return "\uFEFF\uFEFF{}";
        yield return "/* comment */ {}";
        yield return "{\"referralId\": \"200123456\",}";
    }

    /// <summary>Every text field of a referral (SPEC 5.1), as dotted JSON paths.</summary>
    private static readonly string[] ReferralTextFields =
    [
        "provisionId", "provider", "participant.title", "participant.forename", "participant.surname", "participant.nino",
        "participant.clientNumber", "participant.phone", "participant.alternativePhone", "participant.address",
        "participant.postcode", "participant.childcareNeeds", "spoc.name", "spoc.email", "workCoach.name", "workCoach.email",
    ];

    private static void Set(Dictionary<string, object?> body, string path, object? value)
    {
        var parts = path.Split('.');
        if (parts.Length == 1) { body[path] = value; return; }
        var inner = body[parts[0]] as Dictionary<string, object?>
            ?? JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(body[parts[0]]))!;
        inner[parts[1]] = value;
        body[parts[0]] = inner;
    }

    private static IEnumerable<string> EventCorpus()
    {
        yield return "";
        yield return "{";
        yield return "[]";
        yield return "null";
        yield return "{}";
        yield return "{\"type\": 7}";
        yield return "{\"type\": null}";
        yield return "{\"type\": \"teleported\"}";
        yield return "{\"type\": \"" + new string('a', 10_000) + "\"}";
        yield return "{\"type\": \"STARTED\", \"startOn\": \"2026-03-10\"}";
        yield return "{\"type\": \"started\"}";
        yield return "{\"type\": \"started\", \"startOn\": \"tomorrow\"}";
        yield return "{\"type\": \"started\", \"startOn\": \"2026-02-30\"}";
        yield return "{\"type\": \"started\", \"startOn\": 20260310}";
        yield return "{\"type\": \"started\", \"startOn\": \"2026-03-10\"}"; // out of order: not assessed yet
        yield return "{\"type\": \"job-started\", \"startOn\": \"2026-03-10\", \"hoursPerWeek\": 20}";
        yield return "{\"type\": \"completed\", \"endOn\": \"2026-03-10\"}";
        yield return "{\"type\": \"left-early\", \"leftOn\": \"2026-03-10\"}";
        yield return "{\"type\": \"hours-changed\", \"fromOn\": \"2026-03-10\", \"hoursPerWeek\": \"lots\"}";
        yield return "{\"type\": \"isp-agreed\", \"occurredOn\": \"2026-03-10\", \"reviewIntervalWeeks\": 4}";
        yield return "{\"type\": \"initial-assessment-held\", \"occurredOn\": \"2026-03-03\", \"recommendation\": \"maybe\"}";
        yield return "{\"type\": \"initial-assessment-held\", \"occurredOn\": \"2026-03-03\"}";
        yield return "{\"type\": \"initial-assessment-held\", \"occurredOn\": \"2099-03-03\", \"recommendation\": \"main\"}";
        yield return "{\"type\": \"initial-assessment-held\", \"occurredOn\": \"2020-03-03\", \"recommendation\": \"main\"}";
        yield return "{\"type\": \"ucpr1-received\", \"occurredOn\": \"2026-03-03\", \"eventId\": 5}";
        yield return "{\"type\": \"ucpr1-received\", \"occurredOn\": \"2026-03-03\", \"eventId\": \"" + new string('e', 500) + "\"}";
        yield return "{\"type\": \"ucpr1-received\", \"occurredOn\": \"2026-03-03\", \"content\": 5}";
        yield return "{\"type\": \"backed-out-notified\", \"occurredAt\": \"2026-03-03T10:00:00Z\"}";
        yield return "{\"type\": \"referral-cancelled\", \"occurredOn\": \"2026-03-03\"}";
        yield return "{\"type\": \"moved-to-other-provision\", \"occurredOn\": \"2026-03-03\"}";
        yield return "{\"type\": \"sro-eligibility-confirmed\", \"occurredOn\": \"2026-03-03\", \"prapReferralId\": \"200123456\"}";
        yield return "{\"type\": \"employment-break\", \"fromOn\": \"2026-03-03\", \"toOn\": \"2026-03-01\"}";
        yield return "{\"type\": \"withdrawn\"}";
        yield return "{\"type\": \"withdrawn\", \"occurredOn\": null}";
        // Overlong text in every text field of every event, and an overlong eventId.
        foreach (var length in new[] { InputLimits.FreeText + 1, 32_001 })
        {
            foreach (var (template, _) in EventTextFields) yield return template.Replace("@@", new string('x', length));
        }
        yield return $"{{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"eventId\": \"{new string('e', InputLimits.EventId + 1)}\"}}";
        yield return $"{{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"eventId\": \"{new string('e', 32_001)}\"}}";
        yield return "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"eventId\": \"\"}";
        // Null bytes, control characters and lone surrogates in text.
        foreach (var bad in new[] { @"a\u0000b", @"\u0000", @"\u001b[2J", @"a\ud800", @"\udfffa", @"\u007f" })
        {
            foreach (var (template, _) in EventTextFields.Take(6)) yield return template.Replace("@@", bad);
        }
        yield return @"{""type"": ""withdrawn\u0000"", ""occurredOn"": ""2026-03-03""}";
        yield return @"{""type"": ""withdrawn"", ""occurredOn"": ""2026-03-03\u0000""}";
        // Extreme dates and timestamps in every date field.
        foreach (var date in new[] { "0001-01-01", "9999-12-31", "2014-12-31", "2101-01-01" })
        {
            foreach (var (template, _) in EventDateFields) yield return template.Replace("@@", date);
        }
        foreach (var at in new[] { "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2101-01-01T00:00:00Z", "2026-03-03T10:00:00" })
        {
            yield return "{\"type\": \"backed-out-notified\", \"occurredAt\": \"" + at + "\"}";
        }
        // Huge numbers.
        foreach (var number in new[] { "1e400", "-1e400", "79228162514264337593543950336", "1e28", "2147483648", "NaN", "0x14" })
        {
            yield return "{\"type\": \"job-started\", \"startOn\": \"2026-03-03\", \"hoursPerWeek\": " + number + "}";
            yield return "{\"type\": \"isp-agreed\", \"occurredOn\": \"2026-03-03\", \"reviewIntervalWeeks\": " + number + "}";
        }
        // A property given twice: neither value may silently win.
        yield return "{\"type\": \"withdrawn\", \"type\": \"started\", \"occurredOn\": \"2026-03-03\"}";
        yield return "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"occurredOn\": \"2026-03-04\"}";
        yield return "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"reason\": \"a\", \"reason\": \"b\"}";
        yield return "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"eventId\": \"a\", \"eventId\": \"b\"}";
        yield return "{\"type\": \"ucpr1-received\", \"occurredOn\": \"2026-03-03\", \"content\": {\"jobAims\": \"a\", \"jobAims\": \"b\"}}";
        // Deep nesting.
        yield return "{\"type\": \"ucpr1-received\", \"occurredOn\": \"2026-03-03\", \"content\": " + new string('[', 70) + new string(']', 70) + "}";
        yield return "{\"type\": \"ucpr1-received\", \"occurredOn\": \"2026-03-03\", \"content\": {\"jobAims\": {\"a\": {\"b\": [1]}}}}";
        yield return string.Concat(Enumerable.Repeat("{\"type\":", 50_000));
        // Odd tokens.
        yield return "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\"}\0";
        yield return "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\"} {}";
        yield return "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\",}";
    }

    /// <summary>Every text field of every event (SPEC 4.5): a body with <c>@@</c> where the text goes, and the field's path.</summary>
    private static readonly (string Template, string Field)[] EventTextFields =
    [
        ("{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"reason\": \"@@\"}", "reason"),
        ("{\"type\": \"initial-assessment-held\", \"occurredOn\": \"2026-03-03\", \"recommendation\": \"main\", \"reason\": \"@@\"}", "reason"),
        (Ucpr1With("jobAims"), "content.jobAims"),
        ("{\"type\": \"strand-referral-accepted\", \"occurredOn\": \"2026-03-03\", \"strandReferralId\": \"@@\"}", "strandReferralId"),
        ("{\"type\": \"job-started\", \"startOn\": \"2026-03-03\", \"hoursPerWeek\": 20, \"employer\": \"@@\"}", "employer"),
        ("{\"type\": \"left-early\", \"leftOn\": \"2026-03-03\", \"reason\": \"@@\"}", "reason"),
        ("{\"type\": \"sro-not-eligible\", \"occurredOn\": \"2026-03-03\", \"reason\": \"@@\"}", "reason"),
        ("{\"type\": \"sro-eligibility-confirmed\", \"occurredOn\": \"2026-03-03\", \"prapReferralId\": \"@@\"}", "prapReferralId"),
        (Ucpr1With("preferences"), "content.preferences"),
        (Ucpr1With("preferredHours"), "content.preferredHours"),
        (Ucpr1With("availabilityRestrictions"), "content.availabilityRestrictions"),
        (Ucpr1With("specialArrangements"), "content.specialArrangements"),
        (Ucpr1With("complexNeeds"), "content.complexNeeds"),
    ];

    /// <summary>A ucpr1-received event whose UCPR1 content has every field, <c>@@</c> in <paramref name="field"/>.</summary>
    private static string Ucpr1With(string field)
    {
        string[] fields = ["jobAims", "preferences", "preferredHours", "availabilityRestrictions", "specialArrangements", "complexNeeds"];
        var content = string.Join(", ", fields.Select(f => $"\"{f}\": \"{(f == field ? "@@" : "text")}\""));
        return $"{{\"type\": \"ucpr1-received\", \"occurredOn\": \"2026-03-03\", \"content\": {{{content}}}}}";
    }

    /// <summary>Every date field of every event (SPEC 4.5), with <c>@@</c> where the date goes.</summary>
    private static readonly (string Template, string Field)[] EventDateFields =
    [
        ("{\"type\": \"prap-acknowledged\", \"occurredOn\": \"@@\"}", "occurredOn"),
        ("{\"type\": \"initial-assessment-booked\", \"occurredOn\": \"2026-03-03\", \"appointmentOn\": \"@@\"}", "appointmentOn"),
        ("{\"type\": \"initial-assessment-held\", \"occurredOn\": \"2026-03-03\", \"recommendation\": \"main\", \"anticipatedStartOn\": \"@@\"}", "anticipatedStartOn"),
        ("{\"type\": \"initial-assessment-held\", \"occurredOn\": \"2026-03-03\", \"recommendation\": \"main\", \"anticipatedEndOn\": \"@@\"}", "anticipatedEndOn"),
        ("{\"type\": \"started\", \"startOn\": \"@@\"}", "startOn"),
        ("{\"type\": \"left-early\", \"leftOn\": \"@@\"}", "leftOn"),
        ("{\"type\": \"completed\", \"endOn\": \"@@\"}", "endOn"),
        ("{\"type\": \"hours-changed\", \"fromOn\": \"@@\", \"hoursPerWeek\": 20}", "fromOn"),
        ("{\"type\": \"employment-break\", \"fromOn\": \"2026-03-03\", \"toOn\": \"@@\"}", "toOn"),
        ("{\"type\": \"benefit-claim\", \"fromOn\": \"2026-03-03\", \"toOn\": \"@@\"}", "toOn"),
        ("{\"type\": \"job-ended\", \"endedOn\": \"@@\"}", "endedOn"),
        ("{\"type\": \"withdrawn\", \"occurredOn\": \"@@\"}", "occurredOn"),
    ];

    [Theory]
    [MemberData(nameof(ReferralBodies))]
    public async Task A_malformed_referral_is_a_problem_and_creates_nothing(string body)
    {
        var response = await Post(_app.Client(SesApp.ReferralKey), "/api/referrals", body);
        await AssertProblemAsync(response);
        var operatorClient = _app.Client(SesApp.OperatorKey);
        if (TryReferralId(body) is { } id)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.GetAsync($"/api/journeys/{id}")).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(EventBodies))]
    public async Task A_malformed_or_untimely_event_is_a_problem_and_leaves_the_version_unchanged(string body)
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        var response = await Post(staff, $"/api/journeys/{id}/events", body);
        await AssertProblemAsync(response);
        var journey = await Referrals.GetAsync(staff, $"/api/journeys/{id}");
        Assert.Equal(1, journey.GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task A_body_that_is_not_JSON_is_415(string contentType)
    {
        var content = new StringContent("{}", Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        var response = await _app.Client(SesApp.ReferralKey).PostAsync("/api/referrals", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertProblemAsync(response);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var response = await Post(_app.Client(SesApp.ReferralKey), "/api/referrals", "{\"referralId\": \"" + new string('1', 300_000) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertProblemAsync(response);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(10_000)]
    [InlineData(200_000)]
    public async Task A_document_whose_file_name_is_beyond_the_free_text_limit_is_a_400_and_not_kept(int length)
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        var form = new MultipartFormDataContent { { new StringContent("isp"), "kind" } };
        var file = new ByteArrayContent("document body"u8.ToArray());
        file.Headers.ContentType = new("application/pdf");
        form.Add(file, "file", new string('n', length - 4) + ".pdf");
        var response = await staff.PostAsync($"/api/journeys/{id}/documents", form);
        await AssertProblemAsync(response);
        Assert.Empty((await Referrals.GetAsync(staff, $"/api/journeys/{id}/documents")).EnumerateArray());
    }

    [Fact]
    public async Task The_OpenAPI_document_states_the_limits_as_maxLength()
    {
        var schemas = (await Referrals.GetAsync(_app.CreateClient(), "/openapi/v1.json")).GetProperty("components").GetProperty("schemas");
        int? MaxLength(string schema, string property) =>
            schemas.GetProperty(schema).GetProperty("properties").GetProperty(property).TryGetProperty("maxLength", out var max) ? max.GetInt32() : null;
        Assert.Equal(InputLimits.FreeText, MaxLength("ParticipantInput", "address"));
        Assert.Equal(100, MaxLength("ParticipantInput", "forename"));
        Assert.Equal(50, MaxLength("ReferralInput", "provisionId"));
        Assert.Equal(254, MaxLength("ContactInput", "email"));
        Assert.Equal(InputLimits.FreeText, MaxLength("TerminateRequest", "reason"));
        Assert.Equal(InputLimits.FreeText, MaxLength("Ucpr1Content", "complexNeeds"));
        var events = schemas.EnumerateObject().Where(s => s.Name.StartsWith("ReportedEvent", StringComparison.Ordinal) && s.Name != "ReportedEvent").ToList();
        Assert.Equal(ReportedEventTypes.All.Count, events.Count);
        Assert.All(events, e => Assert.Equal(InputLimits.EventId, MaxLength(e.Name, "eventId")));
        var employer = events.Single(e => e.Value.GetProperty("properties").TryGetProperty("employer", out _)).Name;
        Assert.Equal(InputLimits.FreeText, MaxLength(employer, "employer"));
    }

    public static IEnumerable<object[]> ReferralTextFieldNames() => ReferralTextFields.Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(ReferralTextFieldNames))]
    public async Task Referral_text_beyond_its_limit_is_a_400_naming_the_field(string field)
    {
        var body = Referrals.Body(Referrals.NewId());
        Set(body, field, new string('x', 32_001));
        var response = await Post(_app.Client(SesApp.ReferralKey), "/api/referrals", JsonSerializer.Serialize(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemAsync(response, field);
    }

    [Fact]
    public async Task An_address_of_exactly_the_free_text_limit_is_accepted_and_one_more_character_is_not()
    {
        var id = Referrals.NewId();
        var body = Referrals.Body(id);
        Set(body, "participant.address", new string('x', InputLimits.FreeText + 1));
        var response = await Post(_app.Client(SesApp.ReferralKey), "/api/referrals", JsonSerializer.Serialize(body));
        await AssertProblemAsync(response, "participant.address");
        Set(body, "participant.address", new string('x', InputLimits.FreeText));
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), body);
    }

    public static IEnumerable<object[]> EventTextFieldCases() => EventTextFields.Select(f => new object[] { f.Template, f.Field });

    [Theory]
    [MemberData(nameof(EventTextFieldCases))]
    public async Task Event_text_beyond_the_free_text_limit_is_a_400_naming_the_field(string template, string field)
    {
        var (response, version) = await PostEventAsync(template.Replace("@@", new string('x', InputLimits.FreeText + 1)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemAsync(response, field);
        Assert.Equal(1, version);
    }

    [Fact]
    public async Task Free_text_of_exactly_the_limit_with_line_breaks_is_accepted()
    {
        var reason = string.Concat(Enumerable.Repeat("line\r\n\t", 57)) + "x";
        Assert.Equal(InputLimits.FreeText, reason.Length);
        var eventId = new string('e', InputLimits.EventId - 3) + "/#?";
        var (response, version) = await PostEventAsync(JsonSerializer.Serialize(new { type = "withdrawn", occurredOn = "2026-03-03", reason, eventId }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, version);
    }

    [Fact]
    public async Task An_eventId_beyond_its_limit_is_a_400_naming_it()
    {
        var (response, version) = await PostEventAsync(JsonSerializer.Serialize(new { type = "withdrawn", occurredOn = "2026-03-03", eventId = new string('e', InputLimits.EventId + 1) }));
        await AssertProblemAsync(response, "eventId");
        Assert.Equal(1, version);
    }

    public static IEnumerable<object[]> EventDateFieldCases() =>
        EventDateFields.SelectMany(f => new[] { "0001-01-01", "9999-12-31" }.Select(d => new object[] { f.Template.Replace("@@", d), f.Field }));

    [Theory]
    [MemberData(nameof(EventDateFieldCases))]
    public async Task An_event_date_outside_the_accepted_range_is_a_400_naming_the_field(string body, string field)
    {
        var (response, version) = await PostEventAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemAsync(response, field);
        Assert.Equal(1, version);
    }

    /// <summary>Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, beyond U+10FFFF, truncated, Latin-1.</summary>
    private static readonly byte[][] InvalidUtf8 =
    [
        [0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF], [0xFE, 0xFF],
        [0xE9], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x41, 0xC3],
    ];

    /// <summary>Where the bytes go: which endpoint and a body with <c>@@</c> in a string value or a property name.</summary>
    private static readonly (string Target, string Template)[] Utf8Targets =
    [
        ("referral", "forename"),
        ("event", "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"reason\": \"@@\"}"),
        ("event", "{\"type\": \"@@\", \"occurredOn\": \"2026-03-03\"}"),
        ("event", "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"@@\": 1}"),
        ("event", "{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\", \"eventId\": \"@@\"}"),
        ("clock", "{\"advanceBy\": \"@@\"}"),
        ("clock", "{\"now\": \"2026-06-01T08:00:00Z@@\"}"),
        ("terminate", "{\"reason\": \"@@\"}"),
    ];

    public static IEnumerable<object[]> InvalidUtf8Bodies() =>
        from target in Utf8Targets
        from bytes in InvalidUtf8
        select new object[] { target.Target, Splice(target.Template == "forename" ? ReferralWithForename("@@") : target.Template, bytes) };

    private static string ReferralWithForename(string forename)
    {
        var body = Referrals.Body(Referrals.NewId());
        Set(body, "participant.forename", forename);
        return JsonSerializer.Serialize(body);
    }

    private static byte[] Splice(string template, byte[] bytes)
    {
        var at = template.IndexOf("@@", StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. bytes, .. Encoding.UTF8.GetBytes(template[(at + 2)..])];
    }

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task A_body_that_is_not_UTF8_is_a_400_and_changes_nothing(string target, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        await AssertRejectedAndUnchangedAsync(target, (client, path) => client.PostAsync(path, content), "body");
    }

    [Fact]
    public async Task A_UTF16_body_is_a_400()
    {
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{\"type\": \"withdrawn\", \"occurredOn\": \"2026-03-03\"}")).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        await AssertRejectedAndUnchangedAsync("event", (client, path) => client.PostAsync(path, content), "body");
    }

    private static IEnumerable<string> TerminateCorpus()
    {
        yield return "{}";
        yield return "{\"reason\": null}";
        yield return "{\"reason\": \"\"}";
        yield return "{\"reason\": 5}";
        yield return "{\"reason\": [\"x\"]}";
        yield return "{\"reason\": {\"text\": \"x\"}}";
        yield return $"{{\"reason\": \"{new string('x', InputLimits.FreeText + 1)}\"}}";
        yield return $"{{\"reason\": \"{new string('x', 32_001)}\"}}";
        yield return $"{{\"reason\": \"{new string('x', 200_000)}\"}}";
        yield return @"{""reason"": ""duplicate\u0000""}";
        yield return @"{""reason"": ""\u001b[2J""}";
        yield return @"{""reason"": ""a\ud800""}";
        yield return "{\"reason\": \"a\", \"reason\": \"b\"}";
        yield return "{\"reason\": \"duplicate referral\",}";
        yield return "{\"reason\": \"duplicate referral\"} {}";
        yield return new string('[', 5000);
        yield return "";
        yield return "null";
    }

    public static IEnumerable<object[]> TerminateBodies() => TerminateCorpus().Select(b => new object[] { b });

    [Theory]
    [MemberData(nameof(TerminateBodies))]
    public async Task A_malformed_terminate_is_a_problem_and_leaves_the_journey_open(string body) =>
        await AssertRejectedAndUnchangedAsync("terminate", (client, path) => Post(client, path, body));

    private static IEnumerable<string> ClockCorpus()
    {
        foreach (var now in new[] { "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-14:00", "2101-01-01T00:00:00Z", "2035-01-01T00:00:00Z", "2026-06-01", "2026-06-02T08:00:00", "" })
        {
            yield return $"{{\"now\": \"{now}\"}}";
        }
        foreach (var by in new[] { "P99999999D", "P10675199DT2H48M5.4775807S", "P999W", "P4Y", "-P1D", "P", "PT", "1 day", new string('9', 100_000) })
        {
            yield return $"{{\"advanceBy\": \"{by}\"}}";
        }
        yield return "{\"now\": 1e400}";
        yield return "{\"advanceBy\": 99999999999999999999}";
        yield return "{\"advanceBy\": \"P1D\", \"advanceBy\": \"P2D\"}";
        yield return "{\"now\": \"2026-06-02T08:00:00Z\", \"now\": \"2026-06-03T08:00:00Z\"}";
        yield return @"{""advanceBy"": ""P1D\u0000""}";
        yield return "{\"advanceBy\": \"P1D\"} {}";
        yield return "{}";
        yield return "[]";
    }

    public static IEnumerable<object[]> ClockBodies() => ClockCorpus().Select(b => new object[] { b });

    [Theory]
    [MemberData(nameof(ClockBodies))]
    public async Task A_malformed_clock_move_is_a_problem_and_leaves_the_clock_where_it_was(string body) =>
        await AssertRejectedAndUnchangedAsync("clock", (client, path) => Post(client, path, body));

    private static IEnumerable<string> QueryCorpus()
    {
        foreach (var asOf in new[] { "0001-01-01", "9999-12-31", "2014-12-31", "2101-01-01", "2026-02-30", "10000-01-01", "", "%00", "2026-06-01%00", "2026-06-01T00:00:00Z", new string('9', 10_000) })
        {
            yield return "/api/reports/statistics?asOf=" + asOf;
            yield return "/api/reports/statistics?format=csv&asOf=" + asOf;
        }
        yield return "/api/reports/statistics?format=xml";
        yield return "/api/reports/statistics?rounding=%00";
        foreach (var dueBefore in new[] { "0001-01-01", "9999-12-31", "2101-01-01", "2026-13-01", "" })
        {
            yield return "/api/journeys?dueBefore=" + dueBefore;
        }
        foreach (var pageSize in new[] { "0", "201", "-1", "99999999999999999999", "1e3", "abc", "" })
        {
            yield return "/api/journeys?pageSize=" + pageSize;
        }
        yield return "/api/journeys?overdue=maybe";
        yield return "/api/journeys?phase=%00";
        yield return "/api/journeys?phase=" + new string('p', 10_000);
        foreach (var token in new[] { "garbage", "AAAA", "%00", "x.y", "", ".", "..", "200123456%20state", "1!8!MjAwMTIzNDU2", new string('A', 5000) + "." + new string('A', 22), "MjAwMTIzNDU2IHN0YXRl.AAAAAAAAAAAAAAAAAAAAAA", "%F0%9F%98%80" })
        {
            yield return "/api/journeys?continuationToken=" + token;
        }
    }

    public static IEnumerable<object[]> Queries() => QueryCorpus().Select(q => new object[] { q });

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task A_malformed_query_is_a_problem(string pathAndQuery)
    {
        var response = await _app.Client(SesApp.OperatorKey).GetAsync(pathAndQuery);
        await AssertProblemAsync(response);
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("2014-12-31")]
    [InlineData("2101-01-01")]
    public async Task Statistics_as_of_a_date_outside_the_accepted_range_is_a_400_naming_asOf(string asOf)
    {
        var client = _app.Client(SesApp.OperatorKey);
        var response = await client.GetAsync($"/api/reports/statistics?asOf={asOf}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertProblemAsync(response, "asOf");
        // The ends of the range are accepted.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/reports/statistics?asOf={InputLimits.EarliestDate:yyyy-MM-dd}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/reports/statistics?asOf={InputLimits.LatestDate:yyyy-MM-dd}")).StatusCode);
    }

    [Fact]
    public async Task A_tampered_continuation_token_is_a_400_and_the_genuine_one_still_pages()
    {
        for (var i = 0; i < 3; i++) await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(Referrals.NewId()));
        var client = _app.Client(SesApp.OperatorKey);
        const string Query = "/api/journeys?pageSize=1&continuationToken=";
        var token = (await Referrals.GetAsync(client, "/api/journeys?pageSize=1")).GetProperty("continuationToken").GetString()!;
        var dot = token.IndexOf('.');
        Assert.True(dot > 0, token);
        char Other(char c) => c == 'A' ? 'B' : 'A';
        var tampered = new[]
        {
            Other(token[0]) + token[1..], token[..(dot - 1)] + Other(token[dot - 1]) + token[dot..],
            token[..^1] + Other(token[^1]), token[..^1], token + "A", token[..dot], token[(dot + 1)..], token + "." + token[(dot + 1)..],
            token[(dot + 1)..] + "." + token[..dot], token.ToUpperInvariant() == token ? token.ToLowerInvariant() : token.ToUpperInvariant(),
            Encoding.UTF8.GetString(Convert.FromBase64String(ToBase64(token[..dot]))), token[..dot] + "=." + token[(dot + 1)..],
        };
        foreach (var bad in tampered.Where(t => t != token))
        {
            var response = await client.GetAsync(Query + Uri.EscapeDataString(bad));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)response.StatusCode}");
            await AssertProblemAsync(response, "continuationToken");
        }
        var next = await Referrals.GetAsync(client, Query + Uri.EscapeDataString(token));
        Assert.Single(next.GetProperty("items").EnumerateArray());
    }

    private static string ToBase64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
    }

    [Fact]
    public void The_corpus_holds_at_least_five_hundred_requests()
    {
        var size = ReferralCorpus().Count() + EventCorpus().Count() + InvalidUtf8Bodies().Count() + TerminateCorpus().Count()
            + ClockCorpus().Count() + QueryCorpus().Count();
        Assert.True(size >= 500, $"the corpus shrank to {size} requests");
    }

    private static string PathOf(string target, string journeyId) => target switch
    {
        "referral" => "/api/referrals",
        "clock" => "/api/admin/clock",
        "event" => $"/api/journeys/{journeyId}/events",
        _ => $"/api/journeys/{journeyId}/terminate",
    };

    /// <summary>
    /// Sends a hostile request at a target and checks it is a 4xx problem (naming <paramref name="field"/> when given) that
    /// changed nothing: no journey created, the journey's version unchanged, or the virtual clock where it was.
    /// </summary>
    private async Task AssertRejectedAndUnchangedAsync(string target, Func<HttpClient, string, Task<HttpResponseMessage>> send, string? field = null)
    {
        var operatorClient = _app.Client(SesApp.OperatorKey);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var clockBefore = (await Referrals.GetAsync(operatorClient, "/api/admin/clock")).GetProperty("now").GetString();
        var client = _app.Client(target switch { "referral" => SesApp.ReferralKey, "event" => SesApp.ProviderAKey, _ => SesApp.OperatorKey });
        var response = await send(client, PathOf(target, id));
        await AssertProblemAsync(response, field);
        Assert.Equal(1, (await Referrals.GetAsync(operatorClient, $"/api/journeys/{id}")).GetProperty("version").GetInt32());
        Assert.Equal(clockBefore, (await Referrals.GetAsync(operatorClient, "/api/admin/clock")).GetProperty("now").GetString());
    }

    private async Task<(HttpResponseMessage Response, int Version)> PostEventAsync(string body)
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var staff = _app.Client(SesApp.ProviderAKey);
        var response = await Post(staff, $"/api/journeys/{id}/events", body);
        var journey = await Referrals.GetAsync(staff, $"/api/journeys/{id}");
        return (response, journey.GetProperty("version").GetInt32());
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task AssertProblemAsync(HttpResponseMessage response, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal((int)response.StatusCode, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
        if (field is not null)
        {
            Assert.True(problem.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages)
                && messages.EnumerateArray().All(m => m.GetString() is { Length: > 0 }), $"no error for {field}: {text}");
        }
    }

    private static string? TryReferralId(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("referralId", out var id)
                && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 and < 40 } s && s.All(char.IsAsciiLetterOrDigit)
                ? s : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
