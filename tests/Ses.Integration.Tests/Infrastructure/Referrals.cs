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

    public static async Task<JsonElement> CreateAsync(HttpClient client, object body, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await client.PostAsJsonAsync("/api/referrals", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {expected}, got {(int)response.StatusCode}: {text}");
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
