using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;
using Ses.Infrastructure.Timers;

namespace Ses.Benchmarks;

/// <summary>
/// Recording one event through the engine (read, decide, commit state + history as one transaction) against the raw SDK
/// calls it cannot do without: one entity read plus one replace of a state-sized entity. Needs SES_BENCH_STORAGE (Azurite).
/// </summary>
[MemoryDiagnoser]
public class StorageBenchmarks
{
    private JourneyEngine _engine = null!;
    private TableClient _raw = null!;
    private TableEntity _rawEntity = null!;
    private const string JourneyId = "200654321";

    [GlobalSetup]
    public async Task Setup()
    {
        var connection = Environment.GetEnvironmentVariable("SES_BENCH_STORAGE")
            ?? throw new InvalidOperationException("Set SES_BENCH_STORAGE (benchmarks/run.sh does).");
        var options = new StorageOptions { ConnectionString = connection, Prefix = "b" + Guid.NewGuid().ToString("N")[..10] };
        var storage = new StorageClients(options);
        await storage.EnsureCreatedAsync();
        var rules = JourneyRules.Default;
        var keys = new JourneyKeyStore(storage, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        var store = new JourneyStore(storage, keys);
        _engine = new JourneyEngine(store, new JourneyIndex(storage, store, TimeProvider.System), new TimerIndex(storage), new OutboxIndex(storage),
            new EmailComposer(new InboxOptions(), new Dictionary<string, ProviderOptions>()), rules, new ReminderOptions(), TimeProvider.System, RealClock.System);
        Nino.TryParse("JG103759A", out var nino, out _);
        var participant = new Participant("Ms", "Ada", "Example", nino, null, null, null, null, null, true, Benefit.Uc, 0, null, null);
        var referral = new Referral(JourneyId, "SES-MAIN", new DateOnly(2026, 3, 2), "prov-a", Region.EnglandAndWales, Channel.Prap,
            false, participant, new Contact("SPoC", "spoc@jcp.example"), null);
        await _engine.ExecuteAsync(JourneyId, now => new ReceiveReferral(JourneyId, referral, now));
        var state = (await store.GetAsync(JourneyId))!;
        _raw = storage.Service.GetTableClient(options.Prefix + "Raw");
        await _raw.CreateIfNotExistsAsync();
        _rawEntity = JourneyRows.State(state.Journey, null, DateTimeOffset.UtcNow, new JourneyCipher(JourneyId, await keys.FindAsync(JourneyId)));
        await _raw.UpsertEntityAsync(_rawEntity);
    }

    [Benchmark(Baseline = true, Description = "raw SDK: read + replace state row")]
    public async Task RawReadReplace()
    {
        var current = await _raw.GetEntityAsync<TableEntity>(_rawEntity.PartitionKey, _rawEntity.RowKey);
        await _raw.UpdateEntityAsync(_rawEntity, current.Value.ETag, TableUpdateMode.Replace);
    }

    [Benchmark(Description = "engine: record one event")]
    public Task RecordEvent() =>
        _engine.ExecuteAsync(JourneyId, now => new Ses.Domain.Journeys.RecordEvent(new PrapAcknowledged(new DateOnly(2026, 3, 2)), null, now));
}
