using Azure;
using Azure.Data.Tables;

namespace Ses.Bench;

/// <summary>
/// The rows one journey's referral and event wrote in the product's tables, read after the product phases: the raw side
/// replays the same requests with the same rows for N journeys (<see cref="RawBench.ReplayIntakeAsync"/>), so the table
/// can show how much of the product's cost is the storage work it does, on this Azurite.
/// </summary>
public sealed record ProductShape(
    string SampleId, TableEntity KeyRow, IReadOnlyList<TableEntity> IndexRows, TableEntity State,
    IReadOnlyList<TableEntity> ReferralRows, IReadOnlyList<TableEntity> EventRows, IReadOnlyList<TableEntity> FiringRows)
{
    public static async Task<ProductShape> ReadAsync(string connectionString, string prefix, string sampleId)
    {
        var service = new TableServiceClient(connectionString);
        async Task<List<TableEntity>> Rows(string table, string filter) =>
            await service.GetTableClient(prefix + table).QueryAsync<TableEntity>(filter).ToListAsync();
        var journey = await Rows("Journeys", TableClient.CreateQueryFilter($"PartitionKey eq {sampleId}"));
        var key = (await Rows("Keys", TableClient.CreateQueryFilter($"PartitionKey eq {sampleId}"))).Single();
        var index = (await Rows("Index", "PartitionKey eq 'j'")).Where(r => r.RowKey.Contains(sampleId, StringComparison.Ordinal)
            && (r.RowKey.StartsWith("a|", StringComparison.Ordinal) || r.RowKey.StartsWith("l|", StringComparison.Ordinal) || r.RowKey.StartsWith("v|", StringComparison.Ordinal)))
            .ToList();
        var state = journey.Single(r => r.RowKey.StartsWith("state", StringComparison.Ordinal));
        List<TableEntity> Commit(int version) => journey.Where(r => !r.RowKey.StartsWith("state", StringComparison.Ordinal)
            && (r.GetInt32("Version") == version || r.RowKey.StartsWith($"n-{version:D8}-", StringComparison.Ordinal))).ToList();
        return new ProductShape(sampleId, key, index, state, Commit(1), Commit(2), Commit(3));
    }

    /// <summary>A copy of <paramref name="row"/> for journey <paramref name="id"/>: its keys with the sample's ID replaced.</summary>
    public TableEntity For(TableEntity row, string id)
    {
        var copy = new TableEntity(row.PartitionKey.Replace(SampleId, id, StringComparison.Ordinal), row.RowKey.Replace(SampleId, id, StringComparison.Ordinal));
        foreach (var (name, value) in row)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag") continue;
            copy[name] = value;
        }
        return copy;
    }

    public TableEntity Listing => IndexRows.Single(r => r.RowKey.StartsWith("l|", StringComparison.Ordinal));

    /// <summary>The email the chase firing committed (its row is marked sent after the send).</summary>
    public TableEntity Email => FiringRows.Single(r => r.RowKey.StartsWith("n-", StringComparison.Ordinal));

    public string Describe() =>
        $"a referral writes 1 key row, {IndexRows.Count} index rows in one transaction and state + {ReferralRows.Count} rows in another; " +
        $"the event reads the state and writes it with {EventRows.Count} rows in one transaction (the task hub's own requests, " +
        "which the product's counts include, are not replayed: the bare Durable Task lines are that floor)";
}
