using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Ses.Infrastructure.Documents;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Protection;

/// <summary>SPEC 6, ADR 005: personal data is stored encrypted, field by field; purging a journey destroys its key.</summary>
public sealed class EncryptionAtRestTests
{
    /// <summary>What the raw rows and blobs must never show: the referral's and the UCPR1's personal data.</summary>
    private static readonly string[] PersonalData =
        ["Quernsby", "Adaline", "JG103759A", "07700 900461", "Harrowgate", "LS1 4AB", "CN-1", "\"disability\"", "wheelchair", "anxiety"];

    private static readonly DateTimeOffset Friday = new(2026, 3, 6, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // MAPPA (13.58)
    public async Task Storage_tools_see_phase_deadlines_and_referral_id_but_no_personal_data(bool mappa)
    {
        await using var app = new SesApp(Friday);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id, mappa: mappa));
        var provider = app.Client(SesApp.ProviderAKey);
        await Referrals.EventAsync(provider, id, Ucpr1(), HttpStatusCode.OK);
        await Referrals.EventAsync(provider, id, new
        {
            type = "initial-assessment-held", eventId = "ia-1", occurredOn = "2026-03-05", recommendation = "main",
            anticipatedStartOn = "2026-03-16", anticipatedEndOn = "2027-03-12",
        });
        var documentId = await UploadAsync(provider, id);
        // 13.70: a MAPPA participant's contact details come later, as an event of the history.
        string[] contact = mappa ? ["07700 900777", "7 Larkspur Row", "ZZ9 9ZZ"] : [];
        if (mappa)
        {
            await Referrals.EventAsync(app.Client(SesApp.OfficerKey), id, new
            {
                type = "contact-details-added", eventId = "cd-1", occurredOn = "2026-03-05", phone = contact[0], address = contact[1], postcode = contact[2],
            });
        }
        await app.AdvanceAsync("PT1H"); // the UC452 part 6 email is kept as an .eml blob

        var raw = await RawAsync(app);
        foreach (var value in PersonalData.Concat(contact)) Assert.DoesNotContain(value, raw, StringComparison.OrdinalIgnoreCase);
        // The scan reached the task hub (ADR 010): its Instances row shows the phase, its payloads are sealed.
        Assert.Contains("\"phase\":\"assessed\"", raw);
        Assert.Contains("ses-sealed:v1:" + id + ":", raw);

        var state = (await app.Service<StorageClients>().Journeys.GetEntityAsync<TableEntity>(id, JourneyRows.StateKey(id))).Value;
        Assert.Equal(id, state.GetString("ReferralId"));
        Assert.Equal("assessed", state.GetString("Phase"));
        Assert.Equal("start", state.GetString("NextDeadline"));
        Assert.Equal("2026-03-30", state.GetString("NextDue"));
        Assert.Contains("\"deadlines\":[", JourneyRows.ReadStateJson(state)); // the deadlines stay plain JSON

        // The app itself still reads all of it.
        var journey = await Referrals.GetAsync(app.Client(SesApp.OfficerKey), $"/api/journeys/{id}");
        Assert.Equal("Quernsby", journey.GetProperty("referral").GetProperty("participant").GetProperty("surname").GetString());
        var history = await (await app.Client(SesApp.OfficerKey).GetAsync($"/api/journeys/{id}/history")).Content.ReadAsStringAsync();
        Assert.Contains("wheelchair", history);
        var scan = await app.Service<DocumentStore>().ReadAsync(id, documentId);
        Assert.Equal("%PDF-1.4 Adaline Quernsby JG103759A", Encoding.UTF8.GetString(scan!));
        var documents = await (await app.Client(SesApp.OfficerKey).GetAsync($"/api/journeys/{id}/documents")).Content.ReadAsStringAsync();
        Assert.Contains("ucpr1-quernsby.pdf", documents);
    }

    [Fact] // SPEC 6: purging a journey destroys its key (crypto-shredding)
    public async Task After_a_purge_a_copy_of_the_journeys_rows_taken_before_it_cannot_be_read()
    {
        await using var app = new SesApp(Friday);
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        await Referrals.EventAsync(app.Client(SesApp.ProviderAKey), id, Ucpr1());
        var documentId = await UploadAsync(app.Client(SesApp.ProviderAKey), id);
        var storage = app.Service<StorageClients>();
        var backup = new List<TableEntity>();
        await foreach (var row in storage.Journeys.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id}"))) backup.Add(row);
        var scan = (await storage.Documents.GetBlobClient($"{id}/{documentId}").DownloadContentAsync()).Value;
        Assert.NotNull(await app.Service<JourneyStore>().GetAsync(id)); // the copy is readable while the key lives

        var ops = app.Client(SesApp.OperatorKey);
        (await ops.PostAsJsonAsync($"/api/journeys/{id}/terminate", new { reason = "referred in error (13.32)" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/journeys/{id}")).StatusCode);
        Assert.False((await storage.Keys.GetEntityIfExistsAsync<TableEntity>(id, JourneyKeyStore.RowKey(id))).HasValue);

        // Restore the backup as it was: the rows are back, their personal data is not.
        foreach (var row in backup) await storage.Journeys.UpsertEntityAsync(row, TableUpdateMode.Replace);
        await storage.Documents.GetBlobClient($"{id}/{documentId}").UploadAsync(scan.Content, new BlobUploadOptions { Metadata = scan.Details.Metadata });
        var store = app.Service<JourneyStore>();
        await Assert.ThrowsAsync<PersonalDataUnreadableException>(() => store.GetAsync(id));
        await Assert.ThrowsAsync<PersonalDataUnreadableException>(async () => { await foreach (var _ in store.HistoryAsync(id)) { } });
        await Assert.ThrowsAsync<PersonalDataUnreadableException>(() => app.Service<DocumentStore>().ReadAsync(id, documentId));
        var raw = string.Join("\n", backup.Select(r => string.Join(",", r.Select(p => p.Value)))) + scan.Content;
        foreach (var value in PersonalData) Assert.DoesNotContain(value, raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact] // ADR 005: in Azure the key ring is wrapped by a key from Key Vault (here the same setting, given directly)
    public async Task With_a_key_encryption_key_the_key_ring_holds_no_plain_key_and_only_that_key_opens_it()
    {
        var kek = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var prefix = SesApp.NewPrefix();
        var id = Referrals.NewId();
        await using (var app = new SesApp(Friday, settings: new Dictionary<string, string?> { ["DataProtection:KeyEncryptionKey"] = kek }, prefix: prefix))
        {
            await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
            var ring = new StringBuilder();
            await foreach (var blob in app.Service<StorageClients>().KeyRing.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken: default))
            {
                ring.Append((await app.Service<StorageClients>().KeyRing.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content);
            }
            Assert.Contains("sesWrappedKey", ring.ToString());
            Assert.DoesNotContain("masterKey", ring.ToString());
        }
        await using (var same = new SesApp(Friday, settings: new Dictionary<string, string?> { ["DataProtection:KeyEncryptionKey"] = kek }, prefix: prefix))
        {
            var journey = await Referrals.GetAsync(same.Client(SesApp.OfficerKey), $"/api/journeys/{id}");
            Assert.Equal("Quernsby", journey.GetProperty("referral").GetProperty("participant").GetProperty("surname").GetString());
        }
        var other = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using (var wrong = new SesApp(Friday, settings: new Dictionary<string, string?> { ["DataProtection:KeyEncryptionKey"] = other }, prefix: prefix))
        {
            await Assert.ThrowsAsync<PersonalDataUnreadableException>(() => wrong.Service<JourneyStore>().GetAsync(id));
        }
    }

    [Fact] // ADR 005: an unresolved Key Vault reference never leaves the key ring unwrapped
    public void A_key_encryption_key_that_is_not_32_bytes_of_base64_stops_the_app()
    {
        Assert.Null(KeyEncryptionKey.FromSetting(""));
        Assert.Throws<InvalidOperationException>(() => KeyEncryptionKey.FromSetting("@Microsoft.KeyVault(VaultName=v;SecretName=data-protection-kek)"));
        Assert.Throws<InvalidOperationException>(() => KeyEncryptionKey.FromSetting(Convert.ToBase64String(new byte[16])));
    }

    private static object Ucpr1() => new
    {
        type = "ucpr1-received", eventId = "u-1", occurredOn = "2026-03-03",
        content = new
        {
            jobAims = "Warehouse work near Harrowgate Lane", preferences = "Days", preferredHours = "20",
            availabilityRestrictions = "School run", specialArrangements = "Ground floor", complexNeeds = "Anxiety; uses a wheelchair",
        },
    };

    private static async Task<string> UploadAsync(HttpClient client, string id)
    {
        var upload = new MultipartFormDataContent { { new StringContent("ucpr1"), "kind" } };
        var file = new ByteArrayContent("%PDF-1.4 Adaline Quernsby JG103759A"u8.ToArray());
        file.Headers.ContentType = new("application/pdf");
        upload.Add(file, "file", "ucpr1-quernsby.pdf");
        var response = await client.PostAsync($"/api/journeys/{id}/documents", upload);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("documentId").GetString()!;
    }

    [Fact] // issue 9: a host runs for months while the caseload grows for years; its cache of data keys stays bounded
    public async Task A_host_keeps_a_bounded_number_of_data_keys_in_memory_and_reads_the_others_again()
    {
        var storage = StoreOutsideTheApp.Clients(SesApp.NewPrefix());
        await storage.EnsureCreatedAsync();
        await using var services = new ServiceCollection().AddSingleton(storage).AddJourneyDataProtection().BuildServiceProvider();
        using var keys = new JourneyKeyStore(storage, services.GetRequiredService<IDataProtectionProvider>(), capacity: 8);
        var created = new Dictionary<string, byte[]>();
        var most = 0;
        for (var i = 0; i < 40; i++)
        {
            var id = $"2{i:D8}";
            created[id] = await keys.GetOrCreateAsync(id, fresh: true);
            most = Math.Max(most, keys.CachedCount);
        }
        Assert.InRange(most, 1, 8);

        foreach (var (id, key) in created) Assert.Equal(key, await keys.FindAsync(id)); // from memory or read again
        Assert.InRange(keys.CachedCount, 1, 8);
        var requests = storage.RoundTrips.Count;
        foreach (var id in created.Keys.Take(20)) await keys.FindAsync(id);
        Assert.True(storage.RoundTrips.Count - requests >= 12, "keys beyond the cache's capacity are read from storage again");
    }

    /// <summary>Every row of every table and every blob (name, metadata, bytes) of the app's prefix, as text.</summary>
    private static async Task<string> RawAsync(SesApp app)
    {
        var storage = app.Service<StorageClients>();
        var text = new StringBuilder();
        await foreach (var table in storage.Service.QueryAsync())
        {
            if (!table.Name.StartsWith(app.Prefix, StringComparison.Ordinal)) continue;
            await foreach (var row in storage.Service.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                foreach (var (name, value) in row) text.Append(name).Append('=').Append(value is byte[] b ? Convert.ToBase64String(b) : value).Append('\n');
            }
        }
        var blobs = new Azure.Storage.Blobs.BlobServiceClient(Azurite.ConnectionString);
        var blobCount = 0;
        await foreach (var container in blobs.GetBlobContainersAsync(prefix: app.Prefix.ToLowerInvariant()))
        {
            var client = blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken: default))
            {
                blobCount++;
                text.Append(blob.Name).Append(string.Join(",", blob.Metadata.Select(m => $"{m.Key}={m.Value}"))).Append('\n');
                text.Append((await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content).Append('\n');
            }
        }
        Assert.True(blobCount >= 3, "expected a document, an .eml and the key ring"); // the scan covered something
        // The task hub's queues (control and work items): whatever messages are there still, as stored and decoded.
        var queues = new Azure.Storage.Queues.QueueServiceClient(Azurite.ConnectionString);
        await foreach (var queue in queues.GetQueuesAsync(prefix: app.Prefix.ToLowerInvariant()))
        {
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                var body = message.Body.ToString();
                text.Append(queue.Name).Append(' ').Append(body).Append('\n');
                try
                {
                    text.Append(Encoding.UTF8.GetString(Convert.FromBase64String(body))).Append('\n');
                }
                catch (FormatException)
                {
                }
            }
        }
        return text.ToString();
    }
}
