using System.Net;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Ses.Infrastructure.Storage;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>Issue 11: the API docs behind a key in Azure, the readiness probe, and storage reached with a token credential.</summary>
public sealed class AzureHostingTests
{
    [Fact]
    public async Task The_api_docs_are_open_by_default()
    {
        await using var app = new SesApp();
        var anyone = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anyone.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anyone.GetAsync("/scalar/v1")).StatusCode);
    }

    [Fact]
    public async Task With_docs_require_key_the_document_and_the_page_need_a_valid_api_key()
    {
        await using var app = new SesApp(settings: new Dictionary<string, string?> { ["Docs:RequireKey"] = "true" });
        var anyone = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anyone.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anyone.GetAsync("/scalar/v1")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anyone.GetAsync("/openapi/v1.json?code=wrong-key")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client("wrong-key").GetAsync("/openapi/v1.json")).StatusCode);

        var document = await app.Client(SesApp.ProviderAKey).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        using (var json = JsonDocument.Parse(await document.Content.ReadAsStringAsync()))
        {
            Assert.True(json.RootElement.GetProperty("paths").TryGetProperty("/api/referrals", out _));
        }
        Assert.Equal(HttpStatusCode.OK, (await anyone.GetAsync($"/openapi/v1.json?code={SesApp.OperatorKey}")).StatusCode);

        var page = await anyone.GetAsync($"/scalar/v1?code={SesApp.OperatorKey}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"v1.json?code={SesApp.OperatorKey}", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_key_vault_reference_whose_secret_is_missing_is_never_a_valid_key_nor_a_sendgrid_key()
    {
        const string unresolved = "@Microsoft.KeyVault(VaultName=sesjourneys-kv;SecretName=api-key-operator)";
        await using var app = new SesApp(settings: new Dictionary<string, string?>
        {
            ["Auth:ApiKeys:5:Key"] = unresolved, ["Auth:ApiKeys:5:Role"] = "operator",
            ["SendGrid:ApiKey"] = "@Microsoft.KeyVault(VaultName=sesjourneys-kv;SecretName=sendgrid-api-key)",
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(unresolved).GetAsync("/api/journeys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(SesApp.OperatorKey).GetAsync("/api/journeys")).StatusCode);
        Assert.IsType<Ses.Infrastructure.Email.BlobKeepingEmailSender>(app.Service<Ses.Infrastructure.Email.IEmailSender>());
    }

    [Fact]
    public async Task The_readiness_probe_checks_every_table_and_container()
    {
        await using var app = new SesApp();
        var response = await app.CreateClient().GetAsync("/api/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("ready", body.RootElement.GetProperty("checks").GetProperty("tables").GetString());
        Assert.Equal("ready", body.RootElement.GetProperty("checks").GetProperty("blobs").GetString());

        // A container deleted behind the app's back: not ready, and it says which.
        await app.Service<StorageClients>().OutboxBlobs.DeleteAsync();
        var broken = await app.CreateClient().GetAsync("/api/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.StatusCode);
        Assert.True(broken.Headers.Contains("Retry-After"));
        using var brokenBody = JsonDocument.Parse(await broken.Content.ReadAsStringAsync());
        Assert.Equal("unavailable", brokenBody.RootElement.GetProperty("checks").GetProperty("blobs").GetString());
        Assert.Equal("ready", brokenBody.RootElement.GetProperty("checks").GetProperty("tables").GetString());
    }

    [Fact]
    public async Task The_readiness_probe_is_503_when_storage_is_unreachable()
    {
        var port = Azurite.FreePort();
        var dead = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        await using var app = new SesApp(settings: new Dictionary<string, string?> { ["Storage:ConnectionString"] = dead });
        var response = await app.CreateClient().GetAsync("/api/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("not-ready", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void Without_a_connection_string_the_account_name_gives_the_public_endpoints_and_the_identity_path()
    {
        var options = new StorageOptions { AccountName = "sesjourneysabc", Prefix = "ses" };
        Assert.True(options.UsesIdentity);
        Assert.Equal(new Uri("https://sesjourneysabc.table.core.windows.net/"), options.TableUri);
        Assert.Equal(new Uri("https://sesjourneysabc.blob.core.windows.net/"), options.BlobUri);
        var clients = new StorageClients(options, new RecordingCredential());
        Assert.Equal("sesjourneysabc.table.core.windows.net", clients.Journeys.Uri.Host);
        Assert.Equal("sesjourneysabc.blob.core.windows.net", clients.Documents.Uri.Host);

        Assert.False(new StorageOptions { AccountName = "x", ConnectionString = "UseDevelopmentStorage=true" }.UsesIdentity);
        Assert.False(new StorageOptions().UsesIdentity);
        Assert.Equal("UseDevelopmentStorage=true", new StorageOptions().EffectiveConnectionString);
        Assert.Throws<InvalidOperationException>(() => new StorageOptions { TableEndpoint = "https://x.table.core.windows.net/" }.Validate());
    }

    [Fact]
    public async Task Without_a_connection_string_every_storage_request_carries_a_token_for_azure_storage()
    {
        var port = Azurite.FreePort(); // nothing listens there: the request fails after the token was asked for
        var credential = new RecordingCredential();
        var clients = new StorageClients(new StorageOptions
        {
            TableEndpoint = $"https://127.0.0.1:{port}/devstoreaccount1",
            BlobEndpoint = $"https://127.0.0.1:{port}/devstoreaccount1",
            QueueEndpoint = $"https://127.0.0.1:{port}/devstoreaccount1",
            Prefix = "ses",
        }, credential);

        await Assert.ThrowsAnyAsync<Exception>(() => clients.EnsureCreatedAsync());

        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
    }

    [Fact]
    public async Task The_app_configured_with_endpoints_and_no_connection_string_uses_the_token_credential()
    {
        var port = Azurite.FreePort();
        var credential = new RecordingCredential();
        await using var configured = new SesApp(settings: new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "",
            ["Storage:TableEndpoint"] = $"https://127.0.0.1:{port}/devstoreaccount1",
            ["Storage:BlobEndpoint"] = $"https://127.0.0.1:{port}/devstoreaccount1",
            ["Storage:QueueEndpoint"] = $"https://127.0.0.1:{port}/devstoreaccount1",
        });
        // The credential the app would otherwise create (DefaultAzureCredential) is swapped for one that records; no
        // request ever leaves loopback.
        await using var app = configured.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<TokenCredential>(credential)));
        Assert.True(app.Services.GetRequiredService<StorageClients>().Options.UsesIdentity);
        var health = await app.CreateClient().GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("https://storage.azure.com/.default", credential.Scopes);
    }

    private sealed class RecordingCredential : TokenCredential
    {
        private readonly List<string> _scopes = [];

        public string[] Scopes { get { lock (_scopes) return [.. _scopes]; } }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (_scopes) _scopes.AddRange(requestContext.Scopes);
            return new AccessToken("test-token", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
