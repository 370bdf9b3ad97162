using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Integration.Tests.Console;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>
/// A wrong type in any field of any request body is a 400 naming that field and what it must be, in words: never a .NET
/// type name ("could not be converted to Ses.Domain.Journeys.IspAgreed").
/// </summary>
public sealed class BindingErrorTests(BindingErrorTests.OneJourney journey) : IClassFixture<BindingErrorTests.OneJourney>
{
    /// <summary>
    /// One app and one journey for the class's 90 cases: every request here is refused and changes nothing (an app per
    /// case was 90 task hubs started on the shared Azurite, one of which once waited past its storage timeout).
    /// </summary>
    public sealed class OneJourney : IAsyncLifetime
    {
        public SesApp App { get; } = new();
        public string Id { get; } = Referrals.NewId();

        public async Task InitializeAsync() => await Referrals.CreateAsync(App.Client(SesApp.ReferralKey), Referrals.Body(Id));

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    private readonly SesApp _app = journey.App;
    private readonly string _id = journey.Id;

    /// <summary>A JSON value of another kind than the field's type.</summary>
    private static object WrongFor(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return 42;
        if (type == typeof(bool)) return "yes";
        if (type == typeof(int) || type == typeof(decimal)) return "four";
        if (type == typeof(DateOnly)) return 20260302;
        if (type == typeof(DateTimeOffset)) return true;
        if (type.IsEnum) return 7;
        return "not an object";
    }

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    /// <summary>Every field of every event type (SPEC 4.5), nested UCPR1 content included.</summary>
    public static IEnumerable<object[]> EventFields()
    {
        foreach (var derived in typeof(ReportedEvent).GetCustomAttributes<JsonDerivedTypeAttribute>())
        {
            foreach (var parameter in derived.DerivedType.GetConstructors().Single().GetParameters())
            {
                yield return [(string)derived.TypeDiscriminator!, Camel(parameter.Name!), null!];
                if (parameter.ParameterType == typeof(Ucpr1Content))
                {
                    foreach (var inner in typeof(Ucpr1Content).GetConstructors().Single().GetParameters())
                    {
                        yield return [(string)derived.TypeDiscriminator!, Camel(parameter.Name!), Camel(inner.Name!)];
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(EventFields))]
    public async Task A_wrong_type_in_an_event_field_names_the_field_in_words(string type, string field, string? inner)
    {
        var eventType = typeof(ReportedEvent).GetCustomAttributes<JsonDerivedTypeAttribute>().Single(a => (string)a.TypeDiscriminator! == type).DerivedType;
        var fieldType = eventType.GetProperty(field, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)!.PropertyType;
        var body = new Dictionary<string, object?> { ["type"] = type, ["eventId"] = "e-" + Guid.NewGuid() };
        var path = field;
        if (inner is null) body[field] = WrongFor(fieldType);
        else
        {
            body[field] = new Dictionary<string, object?> { [inner] = 5 };
            path = $"{field}.{inner}";
        }
        var response = await _app.Client(SesApp.ProviderAKey).PostAsJsonAsync($"/api/journeys/{_id}/events", body);
        await AssertNamedInWordsAsync(response, path);
    }

    [Theory]
    [InlineData("prap-acknowledged", "occurredOn", "a date such as 2026-03-02")]
    [InlineData("isp-agreed", "occurredOn", "a date such as 2026-03-02")]
    [InlineData("backed-out-notified", "occurredAt", "a timestamp")]
    [InlineData("initial-assessment-held", "occurredOn", "a date")]
    public async Task A_missing_event_field_is_required_in_words(string type, string field, string words)
    {
        var response = await _app.Client(SesApp.ProviderAKey).PostAsJsonAsync($"/api/journeys/{_id}/events", new { type });
        var message = await AssertNamedInWordsAsync(response, field);
        Assert.Contains("is required", message);
        Assert.Contains(words, message);
    }

    [Fact]
    public async Task Words_name_what_each_kind_of_field_must_be()
    {
        async Task<string> MessageAsync(object body, string field) =>
            await AssertNamedInWordsAsync(await _app.Client(SesApp.ProviderAKey).PostAsJsonAsync($"/api/journeys/{_id}/events", body), field);
        Assert.Equal("occurredOn must be a date such as 2026-03-02.", await MessageAsync(new { type = "isp-agreed", occurredOn = "02/03/2026", reviewIntervalWeeks = 4 }, "occurredOn"));
        Assert.Equal("reviewIntervalWeeks must be a whole number such as 4.", await MessageAsync(new { type = "isp-agreed", occurredOn = "2026-03-02", reviewIntervalWeeks = 1.5 }, "reviewIntervalWeeks"));
        Assert.Equal("recommendation must be one of main, start-back, not-suitable.", await MessageAsync(new { type = "initial-assessment-held", occurredOn = "2026-03-02", recommendation = "maybe" }, "recommendation"));
        Assert.Equal("selfEmployed must be true or false.", await MessageAsync(new { type = "job-started", startOn = "2026-03-02", hoursPerWeek = 16, selfEmployed = "no" }, "selfEmployed"));
    }

    /// <summary>Every field of a referral (SPEC 5.1), the participant's and contacts' included.</summary>
    public static IEnumerable<object[]> ReferralFields()
    {
        IEnumerable<(string Path, Type Type)> Fields(Type type, string prefix) => type.GetConstructors().Single().GetParameters()
            .SelectMany(p => p.ParameterType.IsClass && p.ParameterType != typeof(string)
                ? Fields(p.ParameterType, prefix + Camel(p.Name!) + ".").Prepend((prefix + Camel(p.Name!), p.ParameterType))
                : [(prefix + Camel(p.Name!), p.ParameterType)]);
        return Fields(typeof(ReferralInput), "").Select(f => new object[] { f.Path });
    }

    [Theory]
    [MemberData(nameof(ReferralFields))]
    public async Task A_wrong_type_in_a_referral_field_names_the_field_in_words(string path)
    {
        var body = JsonSerializer.SerializeToNode(Referrals.Body(Referrals.NewId()))!.AsObject();
        var parts = path.Split('.');
        var parent = body;
        foreach (var part in parts[..^1]) parent = parent[part]!.AsObject();
        Type type = typeof(ReferralInput);
        foreach (var part in parts) type = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)!.PropertyType;
        parent[parts[^1]] = JsonSerializer.SerializeToNode(WrongFor(type));
        var response = await _app.Client(SesApp.ReferralKey).PostAsync("/api/referrals", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        await AssertNamedInWordsAsync(response, path);
    }

    [Theory] // the bodies read by hand: terminate, clock, task completion
    [InlineData("terminate", """{"reason": 5}""", "reason")]
    [InlineData("terminate", """{"reason": {"text": "x"}}""", "reason")]
    [InlineData("clock", """{"now": 5}""", "now")]
    [InlineData("clock", """{"advanceBy": ["P1D"]}""", "advanceBy")]
    [InlineData("task", """{"note": 5}""", "note")]
    public async Task A_wrong_type_in_any_other_body_names_the_field_in_words(string target, string json, string field)
    {
        var (key, path) = target switch
        {
            "terminate" => (SesApp.OperatorKey, $"/api/journeys/{_id}/terminate"),
            "clock" => (SesApp.OperatorKey, "/api/admin/clock"),
            _ => (SesApp.ProviderAKey, $"/api/journeys/{_id}/tasks/t1/complete"),
        };
        var response = await _app.Client(key).PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        await AssertNamedInWordsAsync(response, field);
    }

    private static async Task<string> AssertNamedInWordsAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        TypeNames.AssertNone(text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field}: {text}");
        var message = messages[0].GetString()!;
        Assert.StartsWith(field, message);
        return message;
    }
}
