using System.Diagnostics;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace Ses.Bench;

/// <summary>
/// The raw Azure.Data.Tables calls the product's operations cannot do without, on the same Azurite in the same run, on tables
/// of their own: the floor each product figure is compared with.
/// </summary>
public sealed class RawBench
{
    private readonly int _n;
    private readonly int _clients;
    private readonly TextWriter _log;
    private readonly RequestCounter _roundTrips = new();
    private readonly TableClient _rows;
    private readonly TableClient _state;
    private readonly TableClient _due;
    private readonly TableClient _partition;
    private readonly TableServiceClient _service;
    private readonly TableClient _replayJourneys;
    private readonly TableClient _replayKeys;
    private readonly TableClient _replayIndex;
    private readonly string[] _ids;

    public RawBench(string connectionString, string prefix, int n, int clients, TextWriter log)
    {
        _n = n;
        _clients = clients;
        _log = log;
        var options = new TableClientOptions();
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30); // as the app on this shared machine
        options.AddPolicy(_roundTrips, HttpPipelinePosition.PerRetry);
        _service = new TableServiceClient(connectionString, options);
        _rows = _service.GetTableClient(prefix + "rows");
        _state = _service.GetTableClient(prefix + "state");
        _due = _service.GetTableClient(prefix + "due");
        _partition = _service.GetTableClient(prefix + "partition");
        _replayJourneys = _service.GetTableClient(prefix + "journeys");
        _replayKeys = _service.GetTableClient(prefix + "keys");
        _replayIndex = _service.GetTableClient(prefix + "index");
        _ids = Enumerable.Range(0, n).Select(i => "2" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    public sealed record Result(double Value, double RoundTrips);

    public sealed record Latency(double P50, double P99, double Median, double RoundTrips);

    public async Task CreateTablesAsync()
    {
        foreach (var table in new[] { _rows, _state, _due, _partition, _replayJourneys, _replayKeys, _replayIndex }) await table.CreateIfNotExistsAsync();
        // The SDK's first calls (JIT, connections) before anything is timed; the row does not stay.
        for (var i = 0; i < 16; i++)
        {
            await _partition.AddEntityAsync(Row("warm-up", "warm-up"));
            await _partition.GetEntityAsync<TableEntity>("warm-up", "warm-up");
            await _partition.DeleteEntityAsync("warm-up", "warm-up");
        }
    }

    /// <summary>
    /// The product's own storage work for a referral, replayed with its own rows (<see cref="ProductShape"/>): the data key
    /// row, one transaction of index rows in the shared partition, one transaction of the state and history rows; 16 in flight.
    /// </summary>
    public Task<Result> ReplayIntakeAsync(ProductShape shape) => ParallelAsync("referral's requests", async id =>
    {
        await _replayKeys.AddEntityAsync(shape.For(shape.KeyRow, id));
        await _replayIndex.SubmitTransactionAsync(shape.IndexRows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, shape.For(r, id))));
        await _replayJourneys.SubmitTransactionAsync(new[] { shape.State }.Concat(shape.ReferralRows)
            .Select(r => new TableTransactionAction(TableTransactionActionType.Add, shape.For(r, id))));
    });

    /// <summary>The product's own storage work for the event: read the state, then replace it (ETag) with the event's rows in one transaction.</summary>
    public Task<Result> ReplayEventAsync(ProductShape shape) => ParallelAsync("event's requests", async id =>
    {
        var state = (await _replayJourneys.GetEntityAsync<TableEntity>(id, shape.For(shape.State, id).RowKey)).Value;
        await _replayJourneys.SubmitTransactionAsync(
            new[] { new TableTransactionAction(TableTransactionActionType.UpdateReplace, shape.For(shape.State, id), state.ETag) }
                .Concat(shape.EventRows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, shape.For(r, id)))));
    });

    /// <summary>AddEntity of N compact rows (~200 bytes; PartitionKey and RowKey the row's own ID), 16 in flight.</summary>
    public Task<Result> AddAsync() => ParallelAsync("add", id => _rows.AddEntityAsync(Row(id, id)));

    /// <summary>Point read + ETag-conditional replace of each row (RowKeys unique across partitions), 16 in flight.</summary>
    public Task<Result> ReadReplaceAsync() => ParallelAsync("read+replace", id => ReadReplaceAsync(_rows, id, id));

    /// <summary>
    /// The same read + replace where every partition's row has RowKey 'state' (as the product's journey rows do); Azurite
    /// keeps rows in a way that makes a repeated RowKey slower, Azure Storage does not.
    /// </summary>
    public async Task<Result> ReadReplaceStateAsync()
    {
        await Parallel.ForEachAsync(_ids, new ParallelOptions { MaxDegreeOfParallelism = _clients },
            async (id, ct) => await _state.AddEntityAsync(Row(id, "state"), ct));
        return await ParallelAsync("read+replace (RowKey 'state')", id => ReadReplaceAsync(_state, id, "state"));
    }

    /// <summary>
    /// N due rows (untimed), then one worker: query the due rows page by page and replace each with an ETag (pending → fired),
    /// one after another. Rows per second.
    /// </summary>
    public async Task<Result> DueAsync()
    {
        await Parallel.ForEachAsync(_ids, new ParallelOptions { MaxDegreeOfParallelism = _clients }, async (id, ct) =>
        {
            var row = Row(id, id);
            row["State"] = "pending";
            row["Due"] = new DateTimeOffset(2026, 3, 6, 9, 0, 0, TimeSpan.Zero);
            await _due.AddEntityAsync(row, ct);
        });
        var before = _roundTrips.Count;
        var watch = Stopwatch.StartNew();
        var fired = 0;
        var filter = TableClient.CreateQueryFilter($"State eq {"pending"} and Due le {new DateTimeOffset(2026, 3, 7, 8, 0, 0, TimeSpan.Zero)}");
        await foreach (var row in _due.QueryAsync<TableEntity>(filter))
        {
            row["State"] = "fired";
            await _due.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
            fired++;
        }
        var seconds = watch.Elapsed.TotalSeconds;
        if (fired != _n) throw new InvalidOperationException($"The due query found {fired} rows of {_n}.");
        _log.WriteLine($"  raw due query + replace: {fired} in {seconds:N1} s");
        return new Result(fired / seconds, (_roundTrips.Count - before) / (double)_n);
    }

    /// <summary>
    /// The product's own index table (as the product phases left it), queried raw as the product's list does: pages of 100
    /// listing rows (<c>PartitionKey eq 'j'</c>, RowKey from <c>l|</c> to <c>l}</c>). Azurite evaluates a query against every row of
    /// the table, so this is the floor for the list on the table the product really has (listings beside wake-ups and claims).
    /// </summary>
    public Task<Latency> ListingPagesAsync(string productPrefix, int requests) => WalkPagesAsync(ProductIndex(productPrefix), ListingFilter, requests);

    /// <summary>Every listing row of the product's index table, the columns the statistics select, run after run: the median time.</summary>
    public Task<Latency> ListingScanAsync(string productPrefix, IReadOnlyList<string> columns, int runs) =>
        TimeAsync(runs, async () => { await foreach (var _ in ProductIndex(productPrefix).QueryAsync<TableEntity>(ListingFilter, select: columns)) { } });

    private static readonly string ListingFilter = TableClient.CreateQueryFilter($"PartitionKey eq {"j"} and RowKey ge {"l|"} and RowKey lt {"l}"}");

    private TableClient ProductIndex(string productPrefix) => _service.GetTableClient(productPrefix + "Index");

    /// <summary>A full scan of the N compact rows (every page), run after run: the median time.</summary>
    public Task<Latency> ScanAsync(int runs) => TimeAsync(runs, async () =>
    {
        var count = 0;
        await foreach (var _ in _rows.QueryAsync<TableEntity>()) count++;
        if (count != _n) throw new InvalidOperationException($"The scan found {count} rows of {_n}.");
    });

    /// <summary>
    /// N rows in one partition (written in transactions of 100, untimed), then <paramref name="requests"/> query pages of 100
    /// one after another, following the continuation and starting again after the last page, as the product's list does.
    /// </summary>
    public async Task<Latency> PagesAsync(int requests)
    {
        var batches = _ids.Chunk(100).ToArray();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = _clients }, async (batch, ct) =>
            await _partition.SubmitTransactionAsync(batch.Select(id => new TableTransactionAction(TableTransactionActionType.Add, Row("p", id))), ct));
        return await WalkPagesAsync(_partition, TableClient.CreateQueryFilter($"PartitionKey eq {"p"}"), requests);
    }

    /// <summary>Query pages of 100 one after another, following the continuation and from the first again after the last.</summary>
    private Task<Latency> WalkPagesAsync(TableClient table, string filter, int requests)
    {
        string? token = null;
        return TimeAsync(requests, async () =>
        {
            await using var pages = table.QueryAsync<TableEntity>(filter, maxPerPage: 100).AsPages(token, 100).GetAsyncEnumerator();
            if (!await pages.MoveNextAsync()) throw new InvalidOperationException("No page.");
            token = pages.Current.ContinuationToken;
        });
    }

    /// <summary><paramref name="once"/> run after run, each timed: percentiles and storage round trips per run.</summary>
    private async Task<Latency> TimeAsync(int runs, Func<Task> once)
    {
        var before = _roundTrips.Count;
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await once();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new Latency(Stats.Percentile(times, 50), Stats.Percentile(times, 99), Stats.Median(times), (_roundTrips.Count - before) / (double)runs);
    }

    private async Task<Result> ParallelAsync(string name, Func<string, Task> operation)
    {
        var before = _roundTrips.Count;
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(_ids, new ParallelOptions { MaxDegreeOfParallelism = _clients }, async (id, _) => await operation(id));
        var seconds = watch.Elapsed.TotalSeconds;
        _log.WriteLine($"  raw {name}: {_n} in {seconds:N1} s");
        return new Result(_n / seconds, (_roundTrips.Count - before) / (double)_n);
    }

    private static async Task ReadReplaceAsync(TableClient table, string partition, string row)
    {
        var entity = (await table.GetEntityAsync<TableEntity>(partition, row)).Value;
        entity["Version"] = (entity.GetInt32("Version") ?? 0) + 1;
        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace);
    }

    /// <summary>A compact row of about 200 bytes: the shape of a journey's list row (phase, next deadline, version).</summary>
    private static TableEntity Row(string partition, string row) => new(partition, row)
    {
        ["ReferralId"] = partition, ["Provider"] = "prov-a", ["Phase"] = "referred", ["NextDeadline"] = "ucpr1-chase",
        ["NextDue"] = "2026-03-06", ["Overdue"] = false, ["Restricted"] = false, ["Version"] = 1,
        ["Channel"] = "prap", ["Region"] = "england-and-wales", ["ReferralDate"] = "2026-03-02", ["Benefit"] = "UC",
    };
}
