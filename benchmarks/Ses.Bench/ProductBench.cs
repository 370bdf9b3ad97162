using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ses.Bench;

/// <summary>The product's figures for one N, measured over HTTP against the app process (what a client sees).</summary>
/// <param name="ucEvery">1: every journey is UC (each has a UCPR1 chase the clock move fires); 2: every second one, the others
/// not (purchase order numbers starting 1, JSA: no chase, nothing due in the clock move).</param>
/// <param name="spreadReferralDates">Referral dates from Tue 24 February to Mon 2 March (five working days), so the UCPR1 chases
/// fall due on each day of the clock's week (--caseload); otherwise every referral is on Mon 2 March.</param>
public sealed class ProductBench(AppHost app, SendGridStandIn sendGrid, int n, int clients, TextWriter log, int ucEvery = 1, bool spreadReferralDates = false)
{
    public const int StatisticsRuns = 5;
    public const int ListRequests = 200;

    private readonly HttpClient _intake = app.Client(AppHost.ReferralKey);
    private readonly HttpClient _provider = app.Client(AppHost.ProviderKey);
    private readonly HttpClient _operator = app.Client(AppHost.OperatorKey);
    // The clock move fires everything due before it answers: at 100,000 journeys on Azurite that is most of an hour.
    private readonly HttpClient _clock = app.Client(AppHost.OperatorKey, Timeout.InfiniteTimeSpan);
    // A PRaP referral is UC when its purchase order number starts with 2 (13.06); the others start with 1, from 150000000 on
    // (the warm-up's are 100000000 to 100000015).
    private readonly string[] _ids = Enumerable.Range(0, n).Select(i => i % ucEvery == 0
        ? "2" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)
        : "1" + (50_000_000 + i).ToString("D8", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The first journey's ID: its rows are the shape the raw side replays (<see cref="ProductShape"/>).</summary>
    public const string FirstId = "200000000";

    /// <summary>The listing columns the statistics select (JourneyListing.StatisticsColumns in the product).</summary>
    public static readonly IReadOnlyList<string> StatisticsColumns =
        ["ReferralId", "Provider", "ReferralDate", "StartOn", "Benefit", "MonthsEmployedInPrior24", "ShortState", "ShortOn", "SustainedState", "SustainedOn", "IsReferral"];

    public sealed record Result(double Rate, double RoundTrips);

    public sealed record Latency(double P50, double P99, double Median, double RoundTrips);

    /// <summary>Errors seen (status and body of the first few), so a broken run is not reported as a fast one.</summary>
    public List<string> Errors { get; } = [];
    private int _errorCount;
    public int ErrorCount => _errorCount;

    public int Fired { get; private set; }
    /// <summary>The UCPR1 chases the clock move fires, one per UC journey, each with its email.</summary>
    public int Chases => (n + ucEvery - 1) / ucEvery;
    public double ClockAnswerSeconds { get; private set; }
    public bool AllEmailsArrived { get; private set; }
    public long EmailsDuringDispatch { get; private set; }

    public async Task<long> RoundTripsAsync()
    {
        // The product's own requests and its task hub's (History, Instances, queues, leases, idle polling).
        var body = await _operator.GetFromJsonAsync<JsonElement>("/api/admin/storage/round-trips");
        return body.GetProperty("count").GetInt64() + body.GetProperty("taskHub").GetInt64();
    }

    public const int WarmUpJourneys = 16;

    /// <summary>
    /// Before anything is timed, <see cref="WarmUpJourneys"/> non-UC referrals (IDs starting 1: no UCPR1 chase, nothing due in
    /// the dispatch phase) and an event on each, so the timed phases do not include the app's first requests (JIT, connections).
    /// </summary>
    public async Task WarmUpAsync()
    {
        var ids = Enumerable.Range(0, WarmUpJourneys).Select(i => "1" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (id, _) =>
        {
            using var created = await _intake.PostAsJsonAsync("/api/referrals", Body(id, "JSA"));
            if (created.StatusCode != HttpStatusCode.Created) Error($"warm-up {id}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            using var recorded = await _provider.PostAsJsonAsync($"/api/journeys/{id}/events", Event(id));
            if (recorded.StatusCode != HttpStatusCode.OK) Error($"warm-up event {id}: {(int)recorded.StatusCode}");
        });
        await StatisticsOnceAsync();
    }

    /// <summary>N referrals, <c>clients</c> in flight: referrals per second.</summary>
    public Task<Result> IntakeAsync() => ParallelPhaseAsync("intake", id => _intake.PostAsJsonAsync("/api/referrals", Body(id, id[0] == '2' ? "UC" : "JSA", ReferralDateOf(id))), HttpStatusCode.Created);

    private static readonly string[] SpreadDates = ["2026-02-24", "2026-02-25", "2026-02-26", "2026-02-27", "2026-03-02"];

    private string ReferralDateOf(string id) => spreadReferralDates ? SpreadDates[int.Parse(id[^3..], System.Globalization.CultureInfo.InvariantCulture) % SpreadDates.Length] : "2026-03-02";

    /// <summary>One prap-acknowledged event per journey (read, decide, commit with history): events per second.</summary>
    public Task<Result> EventsAsync() => ParallelPhaseAsync("events", id => _provider.PostAsJsonAsync($"/api/journeys/{id}/events", Event(id)), HttpStatusCode.OK);

    private static object Event(string id) => new { type = "prap-acknowledged", eventId = "ack-" + id, occurredOn = "2026-03-02" };

    private async Task StatisticsOnceAsync()
    {
        using var response = await _operator.GetAsync("/api/reports/statistics?format=json");
        await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) Error($"statistics: {(int)response.StatusCode}");
    }

    /// <summary>
    /// One clock move past every UC journey's UCPR1 chase (09:00 Friday 6 March): from the POST to the last chase's email
    /// accepted by the stand-in, fired deadlines (each with its email) per second. The clock's answer is awaited after: it
    /// fires everything due before it answers, most of an hour at 100,000 journeys on Azurite.
    /// </summary>
    public async Task<Result> DispatchAsync()
    {
        await sendGrid.SettleAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60)); // nothing of earlier phases still going out
        var emailsBefore = sendGrid.Accepted;
        var before = await RoundTripsAsync();
        var watch = Stopwatch.StartNew();
        var answered = TimeSpan.Zero;
        var clock = _clock.PostAsJsonAsync("/api/admin/clock", new { advanceBy = "P5D" }).ContinueWith(t => { answered = watch.Elapsed; return t; }).Unwrap();
        // Generous: the app is measured, not hurried; a run that does not finish says so instead of hanging for ever.
        AllEmailsArrived = await sendGrid.WaitForAsync(emailsBefore + Chases, TimeSpan.FromSeconds(Math.Max(300, Chases / 5.0)));
        var elapsed = watch.Elapsed.TotalSeconds;
        var delivered = sendGrid.Accepted - emailsBefore;
        var response = await clock;
        ClockAnswerSeconds = answered.TotalSeconds;
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) Error($"clock: {(int)response.StatusCode} {text}");
        else Fired = JsonDocument.Parse(text).RootElement.TryGetProperty("fired", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : -1;
        if (!AllEmailsArrived) Error($"dispatch: {delivered} of {Chases} emails within the timeout");
        await sendGrid.SettleAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)); // the "sent" marks follow the last email
        EmailsDuringDispatch = sendGrid.Accepted - emailsBefore;
        var after = await RoundTripsAsync();
        log.WriteLine($"  dispatch: clock answered after {ClockAnswerSeconds:N1} s (fired {Fired}), {delivered} emails after {elapsed:N1} s");
        return new Result(Math.Min(delivered, Chases) / elapsed, (after - before) / (double)Chases);
    }

    /// <summary>GET /api/reports/statistics (json), run after run: the median time.</summary>
    public async Task<Latency> StatisticsAsync()
    {
        var before = await RoundTripsAsync();
        var times = new List<double>();
        for (var i = 0; i < StatisticsRuns; i++)
        {
            var watch = Stopwatch.StartNew();
            await StatisticsOnceAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        var after = await RoundTripsAsync();
        log.WriteLine($"  statistics: {string.Join(", ", times.Select(t => t.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
        return new Latency(Stats.Percentile(times, 50), Stats.Percentile(times, 99), Stats.Median(times), (after - before) / (double)StatisticsRuns);
    }

    /// <summary>
    /// GET /api/journeys?pageSize=100 one request after another: the first page, then each continuation page in turn, from the
    /// first again after the last; <see cref="ListRequests"/> requests.
    /// </summary>
    public async Task<Latency> ListAsync(bool asOperator)
    {
        var client = asOperator ? _operator : _provider;
        var before = await RoundTripsAsync();
        var times = new List<double>();
        string? token = null;
        for (var i = 0; i < ListRequests; i++)
        {
            var path = "/api/journeys?pageSize=100" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var watch = Stopwatch.StartNew();
            var response = await client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode)
            {
                Error($"list: {(int)response.StatusCode} {text}");
                token = null;
                continue;
            }
            var page = JsonDocument.Parse(text).RootElement;
            token = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        var after = await RoundTripsAsync();
        // Each read of the counter is itself no storage request; the figure is the list requests' own.
        return new Latency(Stats.Percentile(times, 50), Stats.Percentile(times, 99), Stats.Median(times), (after - before) / (double)ListRequests);
    }

    private async Task<Result> ParallelPhaseAsync(string name, Func<string, Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        var before = await RoundTripsAsync();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(_ids, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (id, _) =>
        {
            using var response = await send(id);
            if (response.StatusCode != expected) Error($"{name} {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        });
        var seconds = watch.Elapsed.TotalSeconds;
        var after = await RoundTripsAsync();
        log.WriteLine($"  {name}: {n} in {seconds:N1} s");
        return new Result(n / seconds, (after - before) / (double)n);
    }

    private void Error(string message)
    {
        Interlocked.Increment(ref _errorCount);
        lock (Errors) if (Errors.Count < 5) Errors.Add(message.Length > 400 ? message[..400] : message);
    }

    /// <summary>A PRaP Universal Credit referral, as tests/Ses.Integration.Tests/Infrastructure/Referrals.cs sends it.</summary>
    internal static object Body(string referralId, string benefit = "UC", string referralDate = "2026-03-02") => new
    {
        referralId, provisionId = "SES-MAIN", referralDate, provider = "prov-a", region = "england-and-wales",
        channel = "prap", mappa = false,
        participant = new
        {
            title = "Ms", forename = "Adaline", surname = "Quernsby", nino = "JG103759A", clientNumber = "CN-1", disability = true,
            benefit, monthsEmployedInPrior24 = 6, phone = "07700 900461", address = "14 Harrowgate Lane, Leeds", postcode = "ls1 4ab",
        },
        spoc = new { name = "Jo SPoC", email = "spoc@jcp.example" },
        workCoach = new { name = "Sam Coach", email = "coach@jcp.example" },
    };
}
