using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ses.Integration.Tests.Infrastructure;

/// <summary>Request bodies and calls the tests share, in the shapes of SPEC 5.1.</summary>
public static class Referrals
{
    private static int _next = 100_000;

    /// <summary>A fresh purchase order number: '2' for Universal Credit, '1' otherwise (13.06).</summary>
    public static string NewId(bool universalCredit = true) =>
        (universalCredit ? "2" : "1") + Interlocked.Increment(ref _next).ToString("D8")[..8];

    public static Dictionary<string, object?> Body(
        string referralId, string referralDate = "2026-03-02", string provider = "prov-a", bool mappa = false,
        string channel = "prap", string benefit = "UC")
    {
        var participant = new Dictionary<string, object?>
        {
            ["title"] = "Ms", ["forename"] = "Adaline", ["surname"] = "Quernsby", ["nino"] = "JG103759A",
            ["clientNumber"] = "CN-1", ["disability"] = true, ["benefit"] = benefit, ["monthsEmployedInPrior24"] = 6,
        };
        if (!mappa)
        {
            participant["phone"] = "07700 900461";
            participant["address"] = "14 Harrowgate Lane, Leeds";
            participant["postcode"] = "ls1 4ab";
        }
        return new Dictionary<string, object?>
        {
            ["referralId"] = referralId, ["provisionId"] = "SES-MAIN", ["referralDate"] = referralDate, ["provider"] = provider,
            ["region"] = "england-and-wales", ["channel"] = channel, ["mappa"] = mappa, ["participant"] = participant,
            ["spoc"] = new { name = "Jo SPoC", email = "spoc@jcp.example" },
            ["workCoach"] = new { name = "Sam Coach", email = "coach@jcp.example" },
        };
    }

    /// <summary>
    /// The answer a client ends with, as the API asks it to: a 202 (the journey's step not done within the handler's
    /// bound) is polled at its Location every half second, at most 120 times. Also how many polls it took.
    /// </summary>
    public static async Task<(HttpResponseMessage Response, int Polls)> FollowAsync(HttpClient client, HttpResponseMessage response)
    {
        var polls = 0;
        for (; response.StatusCode == HttpStatusCode.Accepted && polls < 120; polls++)
        {
            await Task.Delay(500);
            response = await client.GetAsync(response.Headers.Location);
        }
        return (response, polls);
    }

    /// <summary>
    /// Posts a referral. Expecting it created, it behaves as the API asks a referral system to: a 503 (storage did not
    /// answer in time; Retry-After) is sent again, up to 3 times, and a 202 (the journey did not answer within the
    /// handler's bound) is polled at its Location. The tests of those answers themselves pass the status they expect, and
    /// get the first answer as it is.
    /// </summary>
    public static async Task<JsonElement> CreateAsync(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync("/api/referrals", body);
        var retried = 0;
        if (expected == HttpStatusCode.Created)
        {
            for (; retried < 3 && response.StatusCode == HttpStatusCode.ServiceUnavailable; retried++)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                await Task.Delay(wait < TimeSpan.FromSeconds(5) ? wait : TimeSpan.FromSeconds(5));
                response = await client.PostAsJsonAsync("/api/referrals", body);
            }
            (response, _) = await FollowAsync(client, response);
        }
        var text = await response.Content.ReadAsStringAsync();
        // A referral sent again after a 503 whose first try had landed is answered 200 with its journey: the same referral.
        var answered = response.StatusCode == expected || (retried > 0 && expected == HttpStatusCode.Created && response.StatusCode == HttpStatusCode.OK);
        Assert.True(answered, $"Expected {expected}, got {(int)response.StatusCode}{(retried > 0 ? $" after {retried} tries again on 503" : "")}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> EventAsync(HttpClient client, string journeyId, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync($"/api/journeys/{journeyId}/events", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static JsonElement Deadline(JsonElement journey, string kind) =>
        journey.GetProperty("deadlines").EnumerateArray().Last(d => d.GetProperty("kind").GetString() == kind);
}
