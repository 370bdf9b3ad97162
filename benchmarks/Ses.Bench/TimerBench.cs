using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ses.Bench;

/// <summary>
/// Deadlines on their durable timers (issue 16's goal: System-mode timers fire within 5 s of due, p99 of 200): the app in
/// System mode (the wall clock, no clock moves) with its reminder time set a little ahead of now, and N UC referrals dated
/// four working days ago, so that every one's UCPR1 chase falls due today at that time, all at once (as every chase of a
/// day does at 09:00). Each chase's lateness is its firing's time in the journey's history less its due time; the chase
/// emails' arrival at the stand-in is the end of the phase.
/// </summary>
public sealed class TimerBench(string dll, string storage, SendGridStandIn sendGrid, int n, int clients, TextWriter log)
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public sealed record Result(int Timers, double P50, double P99, double Max, double EmailsDoneAfter, string Note);

    public async Task<Result> RunAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var londonNow = TimeZoneInfo.ConvertTime(now, London);
        var today = DateOnly.FromDateTime(londonNow.DateTime);
        // Room for every referral before the chases fall due (referrals run at 10-20 a second here); a whole second, as the
        // setting is a time of day.
        var lead = TimeSpan.FromSeconds(Math.Ceiling(30 + n / 5.0));
        var reminder = TimeOnly.FromDateTime(londonNow.DateTime + lead);
        if (reminder < TimeOnly.FromDateTime(londonNow.DateTime)) return new Result(0, double.NaN, double.NaN, double.NaN, double.NaN, "not run: the chases would fall due after midnight in London");
        reminder = new TimeOnly(reminder.Hour, reminder.Minute, reminder.Second);
        var referralDate = FourWorkingDaysBefore(today);
        var dueAt = new DateTimeOffset(today.ToDateTime(reminder), London.GetUtcOffset(today.ToDateTime(reminder)));
        var extra = new Dictionary<string, string>
        {
            ["Clock:Mode"] = "System", ["Reminders:TimeOfDay"] = reminder.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
        };
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10];
        await using var app = await AppHost.StartAsync(dll, storage, prefix, sendGrid.BaseUrl, extra);
        using var intake = app.Client(AppHost.ReferralKey);
        using var ops = app.Client(AppHost.OperatorKey);
        var ids = Enumerable.Range(0, n).Select(i => "2" + (70_000_000 + i).ToString("D8", CultureInfo.InvariantCulture)).ToArray();
        var errors = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = clients }, async (id, _) =>
        {
            using var created = await intake.PostAsJsonAsync("/api/referrals", ProductBench.Body(id, "UC", referralDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            if (created.StatusCode != HttpStatusCode.Created) Interlocked.Increment(ref errors);
        });
        var created = DateTimeOffset.UtcNow;
        log.WriteLine($"  timers: {n} referrals dated {referralDate:yyyy-MM-dd} made by {created:HH:mm:ss} UTC; chases due {dueAt.UtcDateTime:HH:mm:ss} UTC");
        var sample = await ops.GetFromJsonAsync<JsonElement>($"/api/journeys/{ids[0]}");
        var chaseDue = sample.GetProperty("deadlines").EnumerateArray().Where(d => d.GetProperty("kind").GetString() == "ucpr1-chase")
            .Select(d => d.GetProperty("due").GetString()).FirstOrDefault();
        if (chaseDue != today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
        {
            return new Result(0, double.NaN, double.NaN, double.NaN, double.NaN, $"not run: the chase is due {chaseDue ?? "never"}, not today (a bank holiday or weekend in the way)");
        }
        if (created >= dueAt) return new Result(0, double.NaN, double.NaN, double.NaN, double.NaN, $"not run: the referrals took until after the chases' due time ({errors} refused)");

        var emailsBefore = sendGrid.Accepted;
        var wait = dueAt - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var arrived = await sendGrid.WaitForAsync(emailsBefore + n, TimeSpan.FromSeconds(120 + n));
        var emailsDone = (DateTimeOffset.UtcNow - dueAt).TotalSeconds;

        var lateness = new List<double>();
        var notFired = 0;
        foreach (var id in ids)
        {
            var history = await ops.GetFromJsonAsync<JsonElement>($"/api/journeys/{id}/history?pageSize=200");
            // The firing's entry: its event is {"type":"timer-fired","kind":"ucpr1-chase",...}.
            var fired = history.GetProperty("items").EnumerateArray().FirstOrDefault(h => h.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("type", out var type) && type.GetString() == "timer-fired"
                && data.GetRawText().Contains("ucpr1", StringComparison.OrdinalIgnoreCase));
            if (fired.ValueKind == JsonValueKind.Undefined)
            {
                if (notFired++ == 0) log.WriteLine($"  timers: {id} has no chase firing in its history: {history.GetRawText()[..Math.Min(2000, history.GetRawText().Length)]}");
                continue;
            }
            lateness.Add((fired.GetProperty("at").GetDateTimeOffset() - dueAt).TotalSeconds);
        }
        double At(double q) => Stats.Percentile(lateness, q * 100);
        var note = $"{n} UCPR1 chases due at once in System mode; {lateness.Count} fired" + (notFired > 0 ? $", {notFired} NOT fired" : "") +
            (errors > 0 ? $", {errors} referrals refused" : "") + (arrived ? "" : ", NOT all emails arrived within the timeout") +
            $"; earliest firing {At(0):N1} s after due";
        return new Result(lateness.Count, At(0.5), At(0.99), At(1), emailsDone, note);
    }

    /// <summary>A referral date whose UCPR1 chase (4 working days on) is today, counting weekends only; checked by the chase's due.</summary>
    private static DateOnly FourWorkingDaysBefore(DateOnly today)
    {
        var date = today;
        for (var left = 4; left > 0;)
        {
            date = date.AddDays(-1);
            if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) left--;
        }
        return date;
    }
}
