using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Ses.Bench;

/// <summary>
/// Issue 18 (<c>--caseload</c>): what the console's home page asks of the app at N journeys, over HTTP: the caseload
/// summary, and the first page of each tile's own query, each <see cref="Runs"/> times one after another: p50, the bytes of
/// the answer, and the app's working set before and after (ADR 009).
/// </summary>
public sealed class CaseloadBench(AppHost app, TextWriter log)
{
    public const int Runs = 11;
    public const int PageSize = 50;

    /// <param name="First">The first request of the run: for the summary, the one that scanned the listings (the others reuse its counts for Caseload:CountsMaxAge).</param>
    public sealed record Line(string What, double First, double P50, double Max, long Bytes, int? Count);

    public async Task<IReadOnlyList<Line>> RunAsync()
    {
        var lines = new List<Line>();
        foreach (var (who, key) in new[] { ("operator", AppHost.OperatorKey), ("provider", AppHost.ProviderKey) })
        {
            using var client = app.Client(key);
            var (summary, summaryLine) = await TimeAsync(client, "/api/caseload/summary", $"summary as {who}");
            lines.Add(summaryLine);
            foreach (var tile in summary.GetProperty("tiles").EnumerateArray())
            {
                var query = tile.GetProperty("query").GetString();
                var (_, line) = await TimeAsync(client, $"/api/journeys?{query}&pageSize={PageSize}", $"  first page of '{tile.GetProperty("key").GetString()}' as {who} ({query})");
                lines.Add(line with { Count = tile.GetProperty("count").GetInt32() });
            }
            var (_, search) = await TimeAsync(client, $"/api/journeys?referralIdPrefix=2000001&pageSize={PageSize}", $"  search referralIdPrefix=2000001 as {who}");
            lines.Add(search);
        }
        return lines;
    }

    private async Task<(JsonElement Body, Line Line)> TimeAsync(HttpClient client, string path, string what)
    {
        var times = new List<double>();
        var bytes = 0L;
        JsonElement body = default;
        for (var i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync(path);
            var content = await response.Content.ReadAsByteArrayAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {Encoding.UTF8.GetString(content)}");
            bytes = content.Length;
            body = JsonDocument.Parse(content).RootElement.Clone();
        }
        log.WriteLine($"  {what.Trim()}: first {times[0]:N0} ms, p50 {Stats.Percentile(times, 50):N0} ms, {bytes:N0} bytes");
        return (body, new Line(what, times[0], Stats.Percentile(times, 50), times.Max(), bytes, null));
    }
}
