using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;
using Ses.Infrastructure.Storage;

namespace Ses.Infrastructure.Protection;

/// <summary>
/// One data key per journey, kept apart from its data in the <c>{prefix}Keys</c> table (ADR 005): a row per journey
/// holding a random AES-256 key protected by ASP.NET Core Data Protection (whose key ring is in Blob Storage and, in
/// Azure, wrapped by Key Vault). Deleting the row is crypto-shredding: copies of the journey's rows in backups can no
/// longer be read. Keys are cached per host; a key that fails to open data is re-read once (the journey may have been
/// purged and referred again through another host). A key row protected by a Data Protection key this host has not
/// seen yet (another host created it) makes this host read the key ring again, at most every few seconds.
/// The cache holds at most <c>capacity</c> keys (<see cref="DefaultCacheEntries"/>, about 30 MB), the least recently used
/// leaving first: a host runs for months while the caseload grows for years, and a key not in memory costs one point read.
/// The row key is <c>data-key~{journeyId}</c> (ADR 007: unique across partitions); a legacy <c>data-key</c> row, written
/// before, is still read when the new one is a 404, and deleted with it.
/// </summary>
public sealed class JourneyKeyStore(
    StorageClients storage, IDataProtectionProvider dataProtection, Func<IDataProtectionProvider>? reread = null, int capacity = JourneyKeyStore.DefaultCacheEntries)
    : IDisposable
{
    public const string LegacyRowKey = "data-key";
    public const int DefaultCacheEntries = 100_000;

    public static string RowKey(string journeyId) => $"{LegacyRowKey}~{journeyId}";
    private const string Purpose = "Ses.Journeys.DataKey.v1";
    private static readonly TimeSpan RereadInterval = TimeSpan.FromSeconds(5);
    private IDataProtector _protector = dataProtection.CreateProtector(Purpose);
    private long _rereadAt;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = capacity });

    /// <summary>How many data keys this host holds in memory now (never more than its capacity).</summary>
    public int CachedCount => _cache.Count;

    private TableClient Table => storage.Keys;

    /// <summary>The journey's data key, or null when it has none (never encrypted, or purged).</summary>
    public async Task<byte[]?> FindAsync(string journeyId, CancellationToken ct = default)
    {
        if (_cache.TryGetValue(journeyId, out byte[]? cached)) return cached!;
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, RowKey(journeyId), cancellationToken: ct);
        if (!row.HasValue) row = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, LegacyRowKey, cancellationToken: ct);
        if (!row.HasValue) return null;
        return Remember(journeyId, Unprotect(row.Value!));
    }

    /// <summary>
    /// <see cref="FindAsync"/> for callers that cannot await (the task hub's data converter): a key not in the cache is read
    /// with the Table SDK's synchronous call, never by blocking on an asynchronous one.
    /// </summary>
    public byte[]? Find(string journeyId)
    {
        if (_cache.TryGetValue(journeyId, out byte[]? cached)) return cached!;
        var row = Table.GetEntityIfExists<TableEntity>(journeyId, RowKey(journeyId));
        return row.HasValue ? Remember(journeyId, Unprotect(row.Value!)) : null;
    }

    /// <summary>
    /// The journey's data key, created when it has none. Two hosts creating it at once agree on the first one written. An
    /// existing journey's key is looked for first, under both keys: adding the new key row beside a legacy one would give
    /// the journey a second key.
    /// </summary>
    public async Task<byte[]> GetOrCreateAsync(string journeyId, bool fresh, CancellationToken ct = default)
    {
        if (!fresh && await FindAsync(journeyId, ct) is { } found) return found;
        var key = RandomNumberGenerator.GetBytes(32);
        var entity = new TableEntity(journeyId, RowKey(journeyId))
        {
            ["Key"] = _protector.Protect(key),
            ["CreatedAt"] = DateTimeOffset.UtcNow,
        };
        try
        {
            await Table.AddEntityAsync(entity, ct);
            return Remember(journeyId, key);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            Forget(journeyId);
            return await FindAsync(journeyId, ct) ?? throw new InvalidOperationException("The journey's data key vanished while it was created.");
        }
    }

    /// <summary>
    /// Claims the journey ID for a new referral (ADR 009): its data key row is inserted with the referral body's hash, once
    /// on any number of hosts (a second insert is a 409). Created: this call made it. Otherwise the hash the journey was
    /// created with, and when, so a repeated referral is told apart from a different one with the same ID.
    /// </summary>
    public async Task<(bool Created, string? RequestHash, DateTimeOffset? CreatedAt)> ClaimAsync(string journeyId, string requestHash, CancellationToken ct = default)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var entity = new TableEntity(journeyId, RowKey(journeyId))
        {
            ["Key"] = _protector.Protect(key), ["CreatedAt"] = DateTimeOffset.UtcNow, ["RequestHash"] = requestHash,
        };
        try
        {
            await Table.AddEntityAsync(entity, ct);
            Remember(journeyId, key);
            return (true, requestHash, null);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, RowKey(journeyId), cancellationToken: ct);
            return row.HasValue ? (false, row.Value!.GetString("RequestHash"), row.Value.GetDateTimeOffset("CreatedAt")) : (false, null, null);
        }
    }

    /// <summary>
    /// After a referral decided without reading (issue 9) found its journey already there: if that journey's key is of the
    /// form before ADR 007, the key just created under the new form is not the journey's, and is removed so that reads
    /// find the real one. A journey whose key has the new form never gets here with a second key (its insert conflicts).
    /// </summary>
    public async Task DiscardIfLegacyAsync(string journeyId, CancellationToken ct = default)
    {
        if (!(await Table.GetEntityIfExistsAsync<TableEntity>(journeyId, LegacyRowKey, cancellationToken: ct)).HasValue) return;
        Forget(journeyId);
        try
        {
            await Table.DeleteEntityAsync(journeyId, RowKey(journeyId), ETag.All, ct);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Destroys the journey's data key (crypto-shredding), under both keys; idempotent.</summary>
    public async Task DeleteAsync(string journeyId, CancellationToken ct = default)
    {
        Forget(journeyId);
        await Table.DeleteEntityAsync(journeyId, RowKey(journeyId), ETag.All, ct);
        await Table.DeleteEntityAsync(journeyId, LegacyRowKey, ETag.All, ct);
    }

    public void Forget(string journeyId) => _cache.Remove(journeyId);

    public void Dispose() => _cache.Dispose();

    /// <summary>At the limit the cache refuses the key and drops the least recently used 5% in the background.</summary>
    private byte[] Remember(string journeyId, byte[] key) => _cache.Set(journeyId, key, new MemoryCacheEntryOptions { Size = 1 });

    private byte[] Unprotect(TableEntity row)
    {
        var protectedKey = row.GetBinary("Key") ?? throw new FormatException("Key row without a key.");
        try
        {
            return _protector.Unprotect(protectedKey);
        }
        catch (CryptographicException) when (reread is not null)
        {
            Reread(); // or another thread just did: either way, try once more with the ring as read now
            return _protector.Unprotect(protectedKey);
        }
    }

    private void Reread()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _rereadAt);
        if (last != 0 && now - last < RereadInterval.TotalMilliseconds) return;
        if (Interlocked.CompareExchange(ref _rereadAt, now, last) != last) return;
        _protector = reread!().CreateProtector(Purpose);
    }
}
