using System.Net;
using System.Net.Http.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>The clock exists only in Virtual mode; unreachable storage is a 503 with Retry-After.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task The_clock_is_404_unless_the_clock_mode_is_virtual()
    {
        await using var app = new SesApp(settings: new Dictionary<string, string?> { ["Clock:Mode"] = "System" });
        var ops = app.Client(SesApp.OperatorKey);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync("/api/admin/clock")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ops.PostAsJsonAsync("/api/admin/clock", new { advanceBy = "P1D" })).StatusCode);
    }

    [Fact]
    public async Task The_virtual_clock_refuses_to_go_backwards_and_bad_durations()
    {
        await using var app = new SesApp();
        var ops = app.Client(SesApp.OperatorKey);
        Assert.Equal(HttpStatusCode.Conflict, (await ops.PostAsJsonAsync("/api/admin/clock", new { now = "2020-01-01T00:00:00Z" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.PostAsJsonAsync("/api/admin/clock", new { advanceBy = "three days" })).StatusCode);
        var moved = await app.AdvanceAsync("P2W");
        Assert.Equal(new DateTimeOffset(2026, 3, 16, 8, 0, 0, TimeSpan.Zero), moved.GetProperty("now").GetDateTimeOffset());
    }

    [Fact] // SPEC 5: GET /api/journeys?overdue=true&dueBefore=
    public async Task Journeys_with_a_missed_deadline_are_listed_as_overdue_and_filtered_by_next_due_date()
    {
        await using var app = new SesApp();
        var uc = Referrals.NewId();
        var other = Referrals.NewId(universalCredit: false);
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(uc));
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(other, benefit: "ESA"));
        await app.AdvanceAsync("P5D"); // the UC referral's UCPR1 chase is missed; the other has no chase
        var ops = app.Client(SesApp.OperatorKey);

        var overdue = await Referrals.GetAsync(ops, "/api/journeys?overdue=true");
        Assert.Equal([uc], overdue.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("journeyId").GetString()));
        var dueSoon = await Referrals.GetAsync(ops, "/api/journeys?dueBefore=2026-03-17");
        Assert.Equal(2, dueSoon.GetProperty("items").GetArrayLength()); // both first meetings are due on 16 March
        var none = await Referrals.GetAsync(ops, "/api/journeys?dueBefore=2026-03-16");
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.GetAsync("/api/journeys?dueBefore=soon")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await ops.GetAsync("/api/journeys?pageSize=0")).StatusCode);
    }

    [Fact] // SPEC 3: business time never goes backwards, even across a restart
    public async Task A_restarted_host_carries_on_from_the_virtual_time_already_lived()
    {
        var prefix = SesApp.NewPrefix();
        await using (var first = new SesApp(prefix: prefix))
        {
            await first.AdvanceAsync("P3W");
        }
        await using var second = new SesApp(prefix: prefix);
        var clock = await Referrals.GetAsync(second.Client(SesApp.OperatorKey), "/api/admin/clock");
        Assert.Equal(new DateTimeOffset(2026, 3, 23, 8, 0, 0, TimeSpan.Zero), clock.GetProperty("now").GetDateTimeOffset());
    }

    [Fact]
    public async Task Unreachable_storage_is_503_with_retry_after_not_a_500()
    {
        var port = Azurite.FreePort();
        var dead = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        await using var app = new SesApp(settings: new Dictionary<string, string?> { ["Storage:ConnectionString"] = dead });
        var health = await app.CreateClient().GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.True(health.Headers.Contains("Retry-After"));
        var response = await app.Client(SesApp.ReferralKey).PostAsJsonAsync("/api/referrals", Referrals.Body(Referrals.NewId()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("Retry-After"));
    }
}
