using System.Net;
using System.Net.Http.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>SPEC 6: restricted records, no personal data in logs, purge removes everything.</summary>
public sealed class ProtectionTests
{
    [Fact] // 13.58, 13.71
    public async Task A_MAPPA_record_shows_personal_data_only_to_nominated_officers()
    {
        await using var app = new SesApp();
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id, mappa: true));

        foreach (var key in new[] { SesApp.ProviderAKey, SesApp.OperatorKey })
        {
            var text = await (await app.Client(key).GetAsync($"/api/journeys/{id}")).Content.ReadAsStringAsync();
            Assert.Contains("\"restricted\":true", text);
            Assert.Contains("ucpr1-chase", text);
            Assert.DoesNotContain("Quernsby", text);
            Assert.DoesNotContain("JG103759A", text);
            var history = await (await app.Client(key).GetAsync($"/api/journeys/{id}/history")).Content.ReadAsStringAsync();
            Assert.DoesNotContain("Quernsby", history);
        }
        var officer = await (await app.Client(SesApp.OfficerKey).GetAsync($"/api/journeys/{id}")).Content.ReadAsStringAsync();
        Assert.Contains("Quernsby", officer);

        var upload = new MultipartFormDataContent { { new StringContent("ucpr1"), "kind" } };
        var file = new ByteArrayContent("%PDF-1.4"u8.ToArray());
        file.Headers.ContentType = new("application/pdf");
        upload.Add(file, "file", "ucpr1-quernsby.pdf");
        Assert.Equal(HttpStatusCode.Created, (await app.Client(SesApp.ProviderAKey).PostAsync($"/api/journeys/{id}/documents", upload)).StatusCode);
        var forProvider = await (await app.Client(SesApp.ProviderAKey).GetAsync($"/api/journeys/{id}/documents")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("quernsby", forProvider, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("ucpr1", forProvider);
        var forOfficer = await (await app.Client(SesApp.OfficerKey).GetAsync($"/api/journeys/{id}/documents")).Content.ReadAsStringAsync();
        Assert.Contains("ucpr1-quernsby.pdf", forOfficer);
    }

    [Fact] // 13.76-13.78, SPEC 4.1: SCR forms go to the nominated officer by secure means, never by email
    public async Task An_SCR_journey_sends_no_external_email_and_tasks_the_nominated_officer()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        var created = await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id, channel: "scr"));
        Assert.Equal($"scr-{id}", created.GetProperty("journeyId").GetString()); // never the PRaP journey with that number
        id = $"scr-{id}";
        await app.AdvanceAsync("P5D");

        var notifications = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), $"/api/journeys/{id}/notifications");
        Assert.DoesNotContain(notifications.EnumerateArray(), n => n.GetProperty("to").EnumerateArray().Any(t => t.GetString()!.Contains("jcp.example")));
        var journey = await Referrals.GetAsync(app.Client(SesApp.OfficerKey), $"/api/journeys/{id}");
        Assert.Contains(journey.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("task").GetString() == "nominated-officer");
        Assert.True(journey.GetProperty("restricted").GetBoolean());
    }

    [Fact] // SPEC 6: no NINO, name, address or phone number in logs
    public async Task The_logs_of_a_whole_journey_hold_no_personal_data()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        var staff = app.Client(SesApp.ProviderAKey);
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        await app.Client(SesApp.ReferralKey).PostAsJsonAsync("/api/referrals", Referrals.Body(id, provider: "prov-b")); // 409
        await Referrals.EventAsync(staff, id, new { type = "initial-assessment-held", occurredOn = "2026-03-02", recommendation = "main" });
        await Referrals.EventAsync(staff, id, new { type = "started", startOn = "2026-03-02" });
        await app.AdvanceAsync("P2W");
        await Referrals.EventAsync(staff, id, new { type = "left-early", leftOn = "2026-03-16" });
        await Referrals.EventAsync(staff, id, new { type = "job-started", startOn = "2026-03-16", hoursPerWeek = 30 });
        await app.AdvanceAsync("P27W");

        Assert.NotEmpty(app.Logs);
        var logs = string.Join('\n', app.Logs);
        foreach (var secret in new[] { "JG103759A", "JG 10 37 59 A", "Adaline", "Quernsby", "Harrowgate", "LS1 4AB", "07700 900461", "900461" })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact] // SPEC 5, 6
    public async Task Purging_a_closed_journey_removes_it_from_every_table_and_container()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var upload = new MultipartFormDataContent { { new StringContent("ucpr1"), "kind" } };
        var file = new ByteArrayContent("%PDF-1.4 scan"u8.ToArray());
        file.Headers.ContentType = new("application/pdf");
        upload.Add(file, "file", "ucpr1.pdf");
        Assert.Equal(HttpStatusCode.Created, (await app.Client(SesApp.ProviderAKey).PostAsync($"/api/journeys/{id}/documents", upload)).StatusCode);
        await app.AdvanceAsync("P5D"); // an email in the outbox container (no SendGrid key)
        var ops = app.Client(SesApp.OperatorKey);
        Assert.Equal(HttpStatusCode.Conflict, (await ops.DeleteAsync($"/api/journeys/{id}")).StatusCode);
        (await ops.PostAsJsonAsync($"/api/journeys/{id}/terminate", new { reason = "referred in error (13.32)" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NoContent, (await ops.DeleteAsync($"/api/journeys/{id}")).StatusCode);

        var storage = app.Service<Ses.Infrastructure.Storage.StorageClients>();
        await foreach (var table in storage.Service.QueryAsync())
        {
            if (!table.Name.StartsWith(app.Prefix)) continue;
            await foreach (var row in storage.Service.GetTableClient(table.Name).QueryAsync<Azure.Data.Tables.TableEntity>())
            {
                Assert.DoesNotContain(id, row.PartitionKey + row.RowKey + string.Join(",", row.Select(p => p.Value)));
            }
        }
        foreach (var container in new[] { storage.Documents, storage.OutboxBlobs })
        {
            await foreach (var blob in container.GetBlobsAsync()) Assert.DoesNotContain(id, blob.Name);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await ops.GetAsync($"/api/journeys/{id}")).StatusCode);
    }
}
