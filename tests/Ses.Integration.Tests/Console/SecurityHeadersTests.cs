using System.Net;
using Ses.Integration.Tests.Api;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Console;

/// <summary>Every response carries the security headers; API answers that may hold personal data are never cached.</summary>
[Collection(ApiCollection.Name)]
public sealed class SecurityHeadersTests(SharedApp shared)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/console-app.js")]
    [InlineData("/api/health")]
    [InlineData("/api/journeys")]
    [InlineData("/api/no-such-route")]
    public async Task Every_response_has_a_policy_without_inline_script_nosniff_and_a_referrer_policy(string path)
    {
        var response = await shared.App.Client(SesApp.OperatorKey).GetAsync(path);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("http", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task Journey_answers_are_not_stored_by_any_cache_but_the_console_files_may_be()
    {
        var id = Referrals.NewId();
        await Referrals.CreateAsync(shared.App.Client(SesApp.ReferralKey), Referrals.Body(id));
        var client = shared.App.Client(SesApp.OperatorKey);
        foreach (var path in new[] { $"/api/journeys/{id}", $"/api/journeys/{id}/history", "/api/journeys", "/api/reports/statistics" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path} must be Cache-Control: no-store");
        }
        var denied = await shared.App.Client("not-a-key").GetAsync($"/api/journeys/{id}");
        Assert.True(denied.Headers.CacheControl?.NoStore);
        var script = await client.GetAsync("/console-app.js");
        Assert.NotEqual(true, script.Headers.CacheControl?.NoStore);
    }
}
