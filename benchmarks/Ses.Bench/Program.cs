using System.Globalization;
using System.Text;
using Ses.Bench;

// The benchmark driver: see docs/benchmarks.md. Started by benchmarks/run.sh, which starts Azurite and builds the app.
//   --n 1000,10000   journeys per run (each N on a fresh storage prefix and a fresh app process)
//   --large          adds N = 100,000
//   --clients 16     requests in flight in the parallel phases
//   --app PATH       Ses.Functions.dll (Release)
//   --product-only   the product's figures, memory and round trips without the raw SDK phases (n/a in the raw columns):
//                    for long runs, whose raw phases alone take over an hour on 2 cores at 100,000
//   --memory         issue 9's memory goal: N journeys of which every second is UC, and one clock move that fires the
//                    N/2 UCPR1 chases; intake, dispatch and the peak working set only (no events, statistics, list or raw)
//   --caseload       issue 18: N journeys (default 20,000; every second one UC, referral dates over five working days),
//                    then the caseload summary and the first page of each tile, p50 and bytes, and the working set
//   --timers         System-mode deadlines only: 200 UCPR1 chases due at once on their durable timers, how late they fire
//                    (also run first in a default run)
// SES_BENCH_STORAGE: the Azurite connection string. SES_BENCH_AZURITE, SES_BENCH_DOTNET: versions for the header.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var sizes = new List<int> { 1_000, 10_000 };
var clients = 16;
string? dll = null;
var productOnly = false;
var memoryOnly = false;
var caseload = false;
var timersOnly = false;
var sized = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--caseload": caseload = productOnly = true; break;
        case "--n": sized = true; sizes = args[++i].Split(',').Select(s => int.Parse(s.Replace("_", ""), CultureInfo.InvariantCulture)).ToList(); break;
        case "--large": sizes.Add(100_000); break;
        case "--clients": clients = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--app": dll = Path.GetFullPath(args[++i]); break;
        case "--product-only": productOnly = true; break;
        case "--memory": memoryOnly = productOnly = true; break;
        case "--timers": timersOnly = true; break;
        default: Console.Error.WriteLine($"Unknown argument {args[i]}; see docs/benchmarks.md."); return 2;
    }
}
var storage = Environment.GetEnvironmentVariable("SES_BENCH_STORAGE")
    ?? throw new InvalidOperationException("SES_BENCH_STORAGE (the Azurite connection string) is not set: run benchmarks/run.sh.");
if (dll is null || !File.Exists(dll)) throw new InvalidOperationException($"--app {dll}: Ses.Functions.dll is not built.");
if (caseload && !sized) sizes = args.Contains("--large") ? [20_000, 100_000] : [20_000];

var log = Console.Out;
// The bare Durable Task phases run at most this many orchestrations of each shape (see below).
const int BareMost = 2_000;
var report = new StringBuilder();
var loadAtStart = LoadAverage();
report.AppendLine("## Machine");
report.AppendLine();
report.AppendLine($"- {Environment.ProcessorCount} cores (nproc), {MemTotalGb():N1} GB memory, {Environment.OSVersion}");
report.AppendLine($"- .NET runtime {Environment.Version}, SDK {Environment.GetEnvironmentVariable("SES_BENCH_DOTNET") ?? "?"}; Azurite {Environment.GetEnvironmentVariable("SES_BENCH_AZURITE") ?? "?"} (in memory)");
report.AppendLine($"- load average at start: {loadAtStart}");
report.AppendLine($"- {clients} clients in flight in the parallel phases; started {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
report.AppendLine();

await using var sendGrid = await SendGridStandIn.StartAsync();
var failed = false;
if (timersOnly || (!caseload && !memoryOnly))
{
    const int Timers = 200;
    log.WriteLine($"System-mode timers: {Timers} chases due at once; load average {LoadAverage()}");
    var timers = await new TimerBench(dll, storage, sendGrid, Timers, clients, log).RunAsync();
    var section = new StringBuilder();
    section.AppendLine("## System-mode deadlines on their durable timers");
    section.AppendLine();
    section.AppendLine("| chases due at once | fired | lateness p50 | p99 | slowest | last chase email accepted |");
    section.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
    section.AppendLine($"| {Timers} | {timers.Timers} | {Stats.Format(timers.P50)} s | {Stats.Format(timers.P99)} s | {Stats.Format(timers.Max)} s | {Stats.Format(timers.EmailsDoneAfter)} s after due |");
    section.AppendLine();
    section.AppendLine($"- {timers.Note}; lateness: the firing's time in the journey's history less the due time");
    section.AppendLine($"- load average after: {LoadAverage()}");
    section.AppendLine();
    if (timers.Timers < Timers) failed = true;
    report.Append(section);
    log.WriteLine(section.ToString());
    if (timersOnly) sizes = [];
}
foreach (var n in sizes)
{
    try
    {
        log.WriteLine($"N = {n:N0}: load average {LoadAverage()}");
        var prefix = "b" + Guid.NewGuid().ToString("N")[..10];
        var figures = new List<Figure>();
        var notes = new List<string>();
        (double Peak, double Current) memory;
        ProductBench.Result intake, events, dispatch;
        ProductBench.Latency statistics, listOperator, listProvider;
        await using (var app = await AppHost.StartAsync(dll, storage, prefix, sendGrid.BaseUrl))
        {
            if (caseload)
            {
                var seeded = new ProductBench(app, sendGrid, n, clients, log, ucEvery: 2, spreadReferralDates: true);
                await seeded.WarmUpAsync();
                var seed = await seeded.IntakeAsync();
                var before = app.Memory();
                var lines = await new CaseloadBench(app, log).RunAsync();
                var after = app.Memory();
                var table = new StringBuilder();
                table.AppendLine($"## N = {n:N0} journeys: the caseload (--caseload)");
                table.AppendLine();
                table.AppendLine($"| request ({CaseloadBench.Runs} one after another) | first | p50 | slowest | bytes of the answer | tile count |");
                table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
                foreach (var l in lines) table.AppendLine($"| {l.What} | {Stats.Format(l.First)} ms | {Stats.Format(l.P50)} ms | {Stats.Format(l.Max)} ms | {l.Bytes:N0} | {(l.Count is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "")} |");
                table.AppendLine();
                table.AppendLine($"- seeded through the API: {n:N0} referrals at {seed.Rate:N0}/s ({seed.RoundTrips:N2} storage round trips each), every second one UC, referral dates 24 February to 2 March");
                table.AppendLine($"- app working set after intake: peak (VmHWM) {before.PeakMb:N0} MB, current (VmRSS) {before.CurrentMb:N0} MB; after the caseload requests: peak {after.PeakMb:N0} MB, current {after.CurrentMb:N0} MB");
                if (seeded.ErrorCount > 0) { failed = true; table.AppendLine($"- {seeded.ErrorCount} failed requests, e.g. {string.Join(" | ", seeded.Errors)}"); }
                table.AppendLine($"- load average after this N: {LoadAverage()}");
                table.AppendLine();
                report.Append(table);
                log.WriteLine(table.ToString());
                continue;
            }
            var product = new ProductBench(app, sendGrid, n, clients, log, ucEvery: memoryOnly ? 2 : 1);
            var notRun = new ProductBench.Latency(double.NaN, double.NaN, double.NaN, double.NaN);
            await product.WarmUpAsync();
            intake = await product.IntakeAsync();
            events = memoryOnly ? new ProductBench.Result(double.NaN, double.NaN) : await product.EventsAsync();
            dispatch = await product.DispatchAsync();
            statistics = memoryOnly ? notRun : await product.StatisticsAsync();
            listOperator = memoryOnly ? notRun : await product.ListAsync(asOperator: true);
            listProvider = memoryOnly ? notRun : await product.ListAsync(asOperator: false);
            memory = app.Memory();
            if (memoryOnly) notes.Add($"--memory: {n:N0} journeys, every second one UC: the clock move had {product.Chases:N0} UCPR1 chases to fire; events, statistics and list not run");
            notes.Add($"clock move answered after {product.ClockAnswerSeconds:N1} s, fired {product.Fired}; emails received in the dispatch phase: {product.EmailsDuringDispatch:N0}" +
                (product.AllEmailsArrived ? "" : " (NOT all N within the timeout)"));
            if (product.ErrorCount > 0)
            {
                failed = true;
                notes.Add($"{product.ErrorCount} failed requests, e.g. {string.Join(" | ", product.Errors)}");
            }
        }

        var none = new RawBench.Result(double.NaN, double.NaN);
        var noLatency = new RawBench.Latency(double.NaN, double.NaN, double.NaN, double.NaN);
        RawBench.Result add = none, replayIntake = none, replayEvent = none, readReplace = none, due = none;
        var noBare = new DurableBench.Result(double.NaN, double.NaN);
        DurableBench.Result bareStart = noBare, bareEvent = noBare, bareTimer = noBare;
        RawBench.Result? readReplaceState = null;
        RawBench.Latency scan = noLatency, pages = noLatency, listingPages = noLatency, listingScan = noLatency;
        if (productOnly)
        {
            notes.Add("--product-only: the raw SDK phases were not run");
        }
        else
        {
            log.WriteLine("  raw SDK...");
            var shape = await ProductShape.ReadAsync(storage, prefix, ProductBench.FirstId);
            notes.Add($"the product's requests replayed raw: {shape.Describe()}");
            var raw = new RawBench(storage, "r" + Guid.NewGuid().ToString("N")[..10], n, clients, log);
            await raw.CreateTablesAsync();
            add = await raw.AddAsync();
            replayIntake = await raw.ReplayIntakeAsync(shape);
            replayEvent = await raw.ReplayEventAsync(shape);
            readReplace = await raw.ReadReplaceAsync();
            // Above 20,000 rows Azurite's repeated-RowKey slowdown makes this line take hours (55/s at 10,000): shown up to there.
            readReplaceState = n <= 20_000 ? await raw.ReadReplaceStateAsync() : null;
            due = await raw.DueAsync();
            scan = await raw.ScanAsync(ProductBench.StatisticsRuns);
            pages = await raw.PagesAsync(ProductBench.ListRequests);
            listingPages = await raw.ListingPagesAsync(prefix, ProductBench.ListRequests);
            listingScan = await raw.ListingScanAsync(prefix, ProductBench.StatisticsColumns, ProductBench.StatisticsRuns);
            // The floor of the stack: bare Durable Task, the same shapes, on this Azurite. Rates hardly move with N beyond a
            // few thousand, while each bare phase at 10,000 takes minutes: at most BareMost of them.
            var bareN = Math.Min(n, BareMost);
            log.WriteLine($"  bare Durable Task, {bareN:N0} of each shape...");
            await using (var bare = new DurableBench(storage, "d" + Guid.NewGuid().ToString("N")[..10], bareN, clients, log))
            {
                await bare.StartAsync();
                bareStart = await bare.StartsAsync();
                bareEvent = await bare.EventsAsync();
                bareTimer = await bare.TimersAsync();
            }
            notes.Add($"bare Durable Task: {bareN:N0} orchestrations of each shape on a task hub of their own, with the product's backend settings (DurableBench)");
        }

        figures.Add(new Figure("intake: referrals (raw: AddEntity)", Kind.Rate, intake.Rate, add.Value, intake.RoundTrips, add.RoundTrips, "/s"));
        figures.Add(new Figure("  the same, raw: the referral's own requests and rows", Kind.Rate, intake.Rate, replayIntake.Value, intake.RoundTrips, replayIntake.RoundTrips, "/s"));
        figures.Add(new Figure("  floor, bare Durable Task: start and one activity", Kind.Rate, intake.Rate, bareStart.Rate, intake.RoundTrips, bareStart.Requests, "/s"));
        figures.Add(new Figure("events: prap-acknowledged (raw: read + ETag replace)", Kind.Rate, events.Rate, readReplace.Value, events.RoundTrips, readReplace.RoundTrips, "/s"));
        figures.Add(new Figure("  the same, raw: the event's own requests and rows", Kind.Rate, events.Rate, replayEvent.Value, events.RoundTrips, replayEvent.RoundTrips, "/s"));
        figures.Add(new Figure("  floor, bare Durable Task: an event, one activity, ContinueAsNew", Kind.Rate, events.Rate, bareEvent.Rate, events.RoundTrips, bareEvent.Requests, "/s"));
        if (readReplaceState is not null)
        {
            figures.Add(new Figure("  the same, raw with RowKey 'state' in every partition", Kind.Rate, events.Rate, readReplaceState.Value, events.RoundTrips, readReplaceState.RoundTrips, "/s"));
        }
        figures.Add(new Figure("dispatch: fired deadlines + emails (raw: due query + replace each)", Kind.Rate, dispatch.Rate, due.Value, dispatch.RoundTrips, due.RoundTrips, "/s"));
        figures.Add(new Figure("  floor, bare Durable Task: a timer and two activities", Kind.Rate, dispatch.Rate, bareTimer.Rate, dispatch.RoundTrips, bareTimer.Requests, "/s"));
        figures.Add(new Figure($"statistics, median of {ProductBench.StatisticsRuns} (raw: full scan of N rows)", Kind.Millis, statistics.Median, scan.Median, statistics.RoundTrips, scan.RoundTrips, "ms"));
        figures.Add(new Figure("  the same, raw: the listing rows it reads, on the product's index table", Kind.Millis, statistics.Median, listingScan.Median, statistics.RoundTrips, listingScan.RoundTrips, "ms"));
        figures.Add(new Figure("list as operator, p50 (raw: one page of 100 of a partition of N)", Kind.Millis, listOperator.P50, pages.P50, listOperator.RoundTrips, pages.RoundTrips, "ms"));
        figures.Add(new Figure("  the same, raw: pages of 100 listing rows of the product's index table, p50", Kind.Millis, listOperator.P50, listingPages.P50, listOperator.RoundTrips, listingPages.RoundTrips, "ms"));
        figures.Add(new Figure("list as operator, p99", Kind.Millis, listOperator.P99, pages.P99, null, null, "ms"));
        figures.Add(new Figure("list as provider, p50", Kind.Millis, listProvider.P50, pages.P50, listProvider.RoundTrips, pages.RoundTrips, "ms"));
        figures.Add(new Figure("list as provider, p99", Kind.Millis, listProvider.P99, pages.P99, null, null, "ms"));

        var section = new StringBuilder();
        section.AppendLine($"## N = {n:N0} journeys");
        section.AppendLine();
        section.AppendLine("| operation | product | raw SDK | product costs × raw | storage round trips per operation: product / raw |");
        section.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var f in figures)
        {
            if (productOnly && f.Operation.StartsWith("  ", StringComparison.Ordinal)) continue; // raw-only and floor lines
            var trips = f.ProductRoundTrips is null ? "" : $"{Stats.Format(f.ProductRoundTrips.Value)} / {Stats.Format(f.RawRoundTrips ?? double.NaN)}";
            section.AppendLine($"| {f.Operation} | {Stats.Format(f.Product)} {f.Unit} | {Stats.Format(f.Raw)} {f.Unit} | {Stats.Format(f.Ratio)} | {trips} |");
        }
        section.AppendLine();
        section.AppendLine($"- app process: peak working set (VmHWM) {memory.Peak:N0} MB, current (VmRSS) {memory.Current:N0} MB at the end");
        foreach (var note in notes) section.AppendLine($"- {note}");
        section.AppendLine($"- load average after this N: {LoadAverage()}");
        section.AppendLine();
        report.Append(section);
        // Printed now as well: a long run stopped later still leaves the tables of the sizes it finished.
        log.WriteLine($"N = {n:N0} done.");
        log.WriteLine();
        log.WriteLine(section.ToString());
    }
    catch (Exception ex)
    {
        // What was measured before still prints; the failure says where it stopped.
        failed = true;
        report.AppendLine($"## N = {n:N0}: stopped by an error");
        report.AppendLine();
        report.AppendLine("```");
        report.AppendLine(ex.ToString().Length > 3000 ? ex.ToString()[..3000] : ex.ToString());
        report.AppendLine("```");
        report.AppendLine();
        break;
    }
}
report.AppendLine($"Load average at the end: {LoadAverage()}");
log.WriteLine();
log.WriteLine(report.ToString());
return failed ? 1 : 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static double MemTotalGb()
{
    var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
    return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0;
}
