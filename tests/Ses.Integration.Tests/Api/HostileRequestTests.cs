using System.Net;
using System.Text;
using System.Text.Json;
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
    }

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

    [Fact]
    public void The_corpus_holds_at_least_a_hundred_requests() =>
        Assert.True(ReferralCorpus().Count() + EventCorpus().Count() >= 100, "the corpus shrank below 100 requests");

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task AssertProblemAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal((int)response.StatusCode, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
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
