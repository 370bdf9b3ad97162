using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>Each role against each route (SPEC 5): 401 without a key, 403/404 for the wrong role or another provider's journey.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuthorizationTests(SharedApp shared)
{
    private readonly SesApp _app = shared.App;

    public static readonly string[] Keys =
        [SesApp.ReferralKey, SesApp.ProviderAKey, SesApp.ProviderBKey, SesApp.OperatorKey, SesApp.OfficerKey];

    /// <summary>Route, then which keys may use it (by index into <see cref="Keys"/>): the rest are refused.</summary>
    public static IEnumerable<object[]> Matrix() =>
    [
        ["POST /api/referrals", new[] { 0, 3 }],
        ["GET /api/journeys/{id}", new[] { 1, 3, 4 }],
        ["GET /api/journeys", new[] { 1, 2, 3, 4 }],
        ["GET /api/journeys/{id}/history", new[] { 1, 3, 4 }],
        ["GET /api/journeys/{id}/notifications", new[] { 1, 3, 4 }],
        ["POST /api/journeys/{id}/events", new[] { 1, 3 }],
        ["GET /api/journeys/{id}/documents", new[] { 1, 4 }],
        ["POST /api/journeys/{id}/terminate", new[] { 3 }],
        ["DELETE /api/journeys/{id}", new[] { 3 }],
        ["GET /api/reports/statistics", new[] { 3 }],
        ["GET /api/admin/clock", new[] { 3 }],
        ["POST /api/admin/index/rebuild", new[] { 3 }],
        ["GET /api/admin/storage/round-trips", new[] { 3 }],
    ];

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_gets_exactly_the_routes_of_the_spec(string route, int[] allowed)
    {
        for (var k = 0; k < Keys.Length; k++)
        {
            var id = Referrals.NewId();
            await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
            var response = await SendAsync(route, id, _app.Client(Keys[k]));
            var status = (int)response.StatusCode;
            if (allowed.Contains(k))
            {
                Assert.True(status is >= 200 and < 300 || (route.StartsWith("DELETE") && status == 409),
                    $"{Keys[k]} on {route}: {status} {await response.Content.ReadAsStringAsync()}");
            }
            else
            {
                Assert.True(status is 403 or 404, $"{Keys[k]} on {route} should be refused, got {status}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        var anonymous = await SendAsync(route, Referrals.NewId(), _app.CreateClient());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var wrongKey = _app.CreateClient();
        wrongKey.DefaultRequestHeaders.Add("x-functions-key", "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(route, Referrals.NewId(), wrongKey)).StatusCode);
    }

    [Fact]
    public async Task Health_needs_no_key_and_reports_storage()
    {
        var health = await Referrals.GetAsync(_app.CreateClient(), "/api/health");
        Assert.Equal("reachable", health.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Another_provider_cannot_see_or_change_a_journey_nor_find_it_in_lists()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(_app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var other = _app.Client(SesApp.ProviderBKey);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/journeys/{id}")).StatusCode);
        var response = await other.PostAsJsonAsync($"/api/journeys/{id}/events", new { type = "prap-acknowledged", occurredOn = "2026-03-02" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var list = await Referrals.GetAsync(other, "/api/journeys?pageSize=200&provider=prov-a");
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), j => j.GetProperty("journeyId").GetString() == id);
        var mine = await Referrals.GetAsync(_app.Client(SesApp.ProviderAKey), $"/api/journeys/{id}");
        Assert.Equal(1, mine.GetProperty("version").GetInt32());
    }

    private static Task<HttpResponseMessage> SendAsync(string route, string id, HttpClient client)
    {
        var parts = route.Split(' ');
        var path = parts[1].Replace("{id}", id);
        return parts[0] switch
        {
            "GET" => client.GetAsync(path),
            "DELETE" => client.DeleteAsync(path),
            _ => client.PostAsJsonAsync(path, Body(path, id)),
        };
    }

    private static object Body(string path, string id) => path switch
    {
        "/api/referrals" => Referrals.Body(Referrals.NewId()),
        _ when path.EndsWith("/events") => new { type = "prap-acknowledged", occurredOn = "2026-03-02" },
        _ when path.EndsWith("/terminate") => new { reason = "duplicate referral" },
        _ => new { },
    };
}
