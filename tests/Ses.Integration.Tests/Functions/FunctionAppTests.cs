using System.IO.Compression;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ses.FunctionApp;
using Ses.Functions.Hosting;
using Infra = Ses.Integration.Tests.Infra;
using Ses.Integration.Tests.Infrastructure;
using Ses.Journeys;

namespace Ses.Integration.Tests.Functions;

/// <summary>The Functions app's deployment package, built once per run with the README's command (<c>bash infra/package.sh</c>).</summary>
public sealed class PackageFixture
{
    public PackageFixture()
    {
        Root = Repo.Root();
        var (exit, stdout, stderr) = Infra.Tool.Run("bash", "infra/package.sh", Root, TimeSpan.FromMinutes(10));
        Output = stdout + stderr;
        Exit = exit;
        if (exit == 0)
        {
            using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Package, "functions.metadata")));
            Functions = metadata.RootElement.EnumerateArray().Select(f => new Function(
                f.GetProperty("name").GetString()!,
                f.GetProperty("bindings").EnumerateArray().Select(b => new Binding(
                    b.GetProperty("type").GetString()!,
                    b.TryGetProperty("route", out var route) ? route.GetString() : null,
                    b.TryGetProperty("methods", out var methods) ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray() : [],
                    b.TryGetProperty("authLevel", out var level) ? level.GetString() : null)).ToArray())).ToArray();
        }
    }

    public string Root { get; }
    public int Exit { get; }
    public string Output { get; }
    public Function[] Functions { get; } = [];
    public string Package => Path.Combine(Root, "artifacts", "package");
    public string Zip => Path.Combine(Root, "artifacts", "ses-functions.zip");

    public sealed record Binding(string Type, string? Route, string[] Methods, string? AuthLevel);

    public sealed record Function(string Name, Binding[] Bindings)
    {
        public Binding Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.Ordinal));
    }
}

/// <summary>
/// Issue 17: the isolated-worker Functions app, as far as it can be checked without the Functions host (ADR 011): the
/// published package, its functions against the local host's endpoints and the journey's tasks, host.json's task hub
/// settings against the local host's, the routes as the host would route them, and the HTTP pipeline the functions run.
/// </summary>
[Collection(Infra.InfraCollection.Name)]
public sealed class FunctionAppTests(PackageFixture package) : IClassFixture<PackageFixture>
{
    [Fact]
    public void The_package_is_the_published_isolated_worker_app_zipped_with_no_custom_handler()
    {
        Assert.True(package.Exit == 0, package.Output);
        using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Package, "worker.config.json")));
        Assert.Equal("dotnet-isolated", worker.RootElement.GetProperty("description").GetProperty("language").GetString());
        Assert.True(File.Exists(Path.Combine(package.Package, worker.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString()!)));
        // The host's side of the Durable extension, which the host loads from the package.
        Assert.Contains("DurableTask", File.ReadAllText(Path.Combine(package.Package, "extensions.json")));
        Assert.True(File.Exists(Path.Combine(package.Package, ".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.DurableTask.dll")));
        Assert.True(File.Exists(Path.Combine(package.Package, "wwwroot", "index.html")));
        Assert.Empty(Directory.GetFiles(package.Package, "function.json", SearchOption.AllDirectories));

        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Package, "host.json")));
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _));
        Assert.Equal(File.ReadAllText(Path.Combine(package.Root, "host.json")), File.ReadAllText(Path.Combine(package.Package, "host.json")));

        using var zip = ZipFile.OpenRead(package.Zip);
        foreach (var entry in new[] { "host.json", "functions.metadata", "worker.config.json", "extensions.json", "Ses.FunctionApp.dll", "wwwroot/index.html",
            ".azurefunctions/Microsoft.Azure.WebJobs.Extensions.DurableTask.dll" })
        {
            Assert.True(zip.GetEntry(entry) is not null, $"{entry} is not at its place in the zip");
        }
    }

    [Fact]
    public void Functions_metadata_lists_the_orchestrator_the_activities_and_http_triggers_with_a_durable_client()
    {
        Assert.True(package.Exit == 0, package.Output);
        var functions = package.Functions;
        Assert.Single(functions, f => f.Trigger.Type == "orchestrationTrigger");
        Assert.True(functions.Count(f => f.Trigger.Type == "activityTrigger") >= 3);
        var http = functions.Where(f => f.Trigger.Type == "httpTrigger").ToArray();
        Assert.True(http.Length > 20);
        // Every API function has the client; only the console's files (no journey) go without.
        Assert.All(http.Where(f => f.Name != "Site"), f => Assert.Contains(f.Bindings, b => b.Type == "durableClient"));
        Assert.DoesNotContain(functions, f => f.Bindings.Any(b => b.Type.Contains("custom", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Every orchestrator and activity of the journeys has a function of the same name and trigger, and no other.</summary>
    [Fact]
    public void Every_orchestrator_and_activity_of_the_journeys_has_a_function_of_its_name()
    {
        Assert.True(package.Exit == 0, package.Output);
        var tasks = typeof(JourneyOrchestrator).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttribute<DurableTaskAttribute>() is not null)
            .Select(t => (Name: t.GetCustomAttribute<DurableTaskAttribute>()!.Name.Name,
                Trigger: typeof(ITaskOrchestrator).IsAssignableFrom(t) ? "orchestrationTrigger" : "activityTrigger"))
            .Order().ToArray();
        Assert.Contains((Names.Journey, "orchestrationTrigger"), tasks);
        Assert.Contains((Names.CommitJourney, "activityTrigger"), tasks);
        var functions = package.Functions.Where(f => f.Trigger.Type is "orchestrationTrigger" or "activityTrigger")
            .Select(f => (f.Name, f.Trigger.Type)).Order().ToArray();
        Assert.Equal(tasks, functions);
    }

    /// <summary>
    /// Every route and method of the local host is an HTTP function's, and every HTTP function's route is the local
    /// host's (the console's files apart); all anonymous at the Functions level, the product's keys checked by the
    /// pipeline (ADR 011).
    /// </summary>
    [Fact]
    public void Every_route_of_the_local_host_is_an_http_function_route_with_the_same_methods_and_no_other()
    {
        Assert.True(package.Exit == 0, package.Output);
        using var app = new SesApp();
        _ = app.Client(SesApp.OperatorKey);
        var local = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => HttpPipeline.Methods(e).Select(m => $"{m} {HttpPipeline.Route(e)}")).Order().ToArray();
        var http = package.Functions.Where(f => f.Trigger.Type == "httpTrigger" && f.Name != "Site").ToArray();
        var functions = http.SelectMany(f => f.Trigger.Methods.Select(m => $"{m} {f.Trigger.Route}")).Order().ToArray();
        Assert.Equal(local, functions);
        Assert.All(package.Functions.Where(f => f.Trigger.Type == "httpTrigger"), f => Assert.Equal("Anonymous", f.Trigger.AuthLevel));
    }

    /// <summary>The task hub behaves the same in both hosts: host.json's durableTask settings are the local hub's defaults.</summary>
    [Fact]
    public void Host_json_sets_the_task_hub_as_the_local_host_does()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Root(), "host.json")));
        var durable = host.RootElement.GetProperty("extensions").GetProperty("durableTask");
        var provider = durable.GetProperty("storageProvider");
        var local = new TaskHubOptions();
        Assert.Equal("AzureStorage", provider.GetProperty("type").GetString());
        Assert.Equal(local.PartitionCount, provider.GetProperty("partitionCount").GetInt32());
        Assert.Equal(local.MaxQueuePollingInterval, TimeSpan.Parse(provider.GetProperty("maxQueuePollingInterval").GetString()!));
        Assert.Equal(local.ControlQueueVisibilityTimeout, TimeSpan.Parse(provider.GetProperty("controlQueueVisibilityTimeout").GetString()!));
        Assert.Equal(local.WorkItemQueueVisibilityTimeout, TimeSpan.Parse(provider.GetProperty("workItemQueueVisibilityTimeout").GetString()!));
        Assert.Equal(local.MaxConcurrentActivities, durable.GetProperty("maxConcurrentActivityFunctions").GetInt32());
        Assert.Equal(local.MaxConcurrentOrchestrations, durable.GetProperty("maxConcurrentOrchestratorFunctions").GetInt32());
        // The hub's name is an app setting (infra/main.bicep sets it from the storage prefix, as TaskHubOptions.HubName does).
        Assert.Equal("%DurableTask__HubName%", durable.GetProperty("hubName").GetString());
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    public static TheoryData<string, string, bool> Paths => new()
    {
        { "GET", "/", true },
        { "GET", "/index.html", true },
        { "GET", "/console-app.js", true },
        { "GET", "/chart.umd.min.js", true },
        { "GET", "/dashboard.css", true },
        { "GET", "/openapi/v1.json", true },
        { "GET", "/scalar/v1", true },
        { "GET", "/scalar/scalar.js", true },
        { "GET", "/api/health", true },
        { "POST", "/api/referrals", true },
        { "GET", "/api/journeys", true },
        { "GET", "/api/journeys/200123456", true },
        { "DELETE", "/api/journeys/200123456", true },
        { "POST", "/api/journeys/200123456/events", true },
        { "POST", "/api/admin/clock", true },
        { "GET", "/console-../appsettings.json", false },
        { "GET", "/appsettings.json", false },
        { "GET", "/host.json", false },
        { "GET", "/Ses.FunctionApp.dll", false },
        { "GET", "/functions.metadata", false },
        { "PUT", "/api/referrals", false },
        { "DELETE", "/api/referrals", false },
        { "GET", "/api/unknown", false },
    };

    /// <summary>
    /// Which paths reach a function at all, on the engine the Functions host routes with: one <c>Route</c> per HTTP
    /// function of functions.metadata (IRouter routing, the default inline constraint resolver, an
    /// <c>HttpMethodRouteConstraint</c>). Which endpoint then runs is the pipeline's choice (the next test).
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public async Task The_host_routes_a_path_to_a_function_only_where_the_local_host_has_it(string method, string path, bool reaches)
    {
        Assert.True(package.Exit == 0, package.Output);
        var services = new ServiceCollection().AddRouting().AddLogging().BuildServiceProvider();
        var resolver = services.GetRequiredService<IInlineConstraintResolver>();
        var routes = new RouteCollection();
        foreach (var function in package.Functions.Where(f => f.Trigger.Type == "httpTrigger"))
        {
            var constraints = new Dictionary<string, object> { ["httpMethod"] = new Microsoft.AspNetCore.Routing.Constraints.HttpMethodRouteConstraint(function.Trigger.Methods) };
            routes.Add(new Route(new RouteHandler(_ => Task.CompletedTask), function.Name, function.Trigger.Route, null, constraints,
                new RouteValueDictionary { ["function"] = function.Name }, resolver));
        }
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Path = new Uri(new Uri("http://host"), path).AbsolutePath;
        var routing = new RouteContext(context);
        await routes.RouteAsync(routing);
        Assert.True(reaches == routing.Handler is not null, $"{method} {path} reached {routing.RouteData.DataTokens["function"]}");
    }
}

/// <summary>
/// The Functions app's container (<see cref="FunctionAppServices.AddFunctionApp"/>, what its Main registers) on Azurite,
/// with requests run through <see cref="HttpPipeline"/> as an HTTP function runs them: without the Functions host.
/// </summary>
public sealed class FunctionAppContainer : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public FunctionAppContainer(IReadOnlyDictionary<string, string?> settings)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production", ApplicationName = "Ses.FunctionApp", ContentRootPath = AppContext.BaseDirectory });
        services.AddFunctionApp(config);
        _services = services.BuildServiceProvider();
    }

    public IServiceProvider Services => _services;

    /// <summary>What the Functions app's Main does once its services are built: the tables and containers.</summary>
    public Task StartAsync() => Ses.Http.SesHttp.StartAsync(_services, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>A request as an HTTP function gets it, with the durable client its binding gave (or none).</summary>
    public async Task<(int Status, string ContentType, string Body)> SendAsync(
        string method, string path, string? key = null, string? json = null, DurableTaskClient? client = null)
    {
        using var scope = _services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var uri = new Uri(new Uri("http://localhost"), path);
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        if (key is not null) context.Request.Headers["x-functions-key"] = key;
        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
        }
        var body = new MemoryStream();
        context.Response.Body = body;
        await _services.GetRequiredService<HttpPipeline>().RunAsync(context, client, scope.ServiceProvider);
        return (context.Response.StatusCode, context.Response.ContentType ?? "", Encoding.UTF8.GetString(body.ToArray()));
    }
}

/// <summary>The HTTP functions' pipeline: the same answers as the local host's.</summary>
public sealed class FunctionAppPipelineTests : IAsyncLifetime
{
    private readonly FunctionAppContainer _app = new(new Dictionary<string, string?>
    {
        ["Storage:ConnectionString"] = Azurite.ConnectionString,
        ["Storage:Prefix"] = SesApp.NewPrefix(),
        ["Clock:Mode"] = "System",
        ["Auth:ApiKeys:0:Key"] = SesApp.ReferralKey, ["Auth:ApiKeys:0:Role"] = "referral-system",
        ["Auth:ApiKeys:1:Key"] = SesApp.OperatorKey, ["Auth:ApiKeys:1:Role"] = "operator",
    });
    private readonly IServiceProvider _services;

    public FunctionAppPipelineTests() => _services = _app.Services;

    public Task InitializeAsync() => _app.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<(int Status, string ContentType, string Body)> SendAsync(string method, string path, string? key = null, string? json = null) =>
        _app.SendAsync(method, path, key, json);

    [Fact]
    public async Task Requests_get_the_local_hosts_answers_through_the_functions_pipeline()
    {
        var health = await SendAsync("GET", "/api/health");
        Assert.True(health.Status == 200, health.Body);
        Assert.Contains("\"healthy\"", health.Body);

        // The product's key and its policy, as locally: none is a 401, the wrong role a 403.
        Assert.Equal(401, (await SendAsync("GET", "/api/journeys")).Status);
        Assert.Equal(403, (await SendAsync("GET", "/api/admin/clock", SesApp.ReferralKey)).Status);

        // A referral that fails validation: the problem document of the shared handler, nothing started.
        var invalid = await SendAsync("POST", "/api/referrals", SesApp.ReferralKey, """{"referralId":"12"}""");
        Assert.True(invalid.Status is 400 or 422, invalid.Body);
        Assert.StartsWith("application/problem+json", invalid.ContentType);
        var notJson = await SendAsync("POST", "/api/referrals", SesApp.ReferralKey, "{not json");
        Assert.Equal(400, notJson.Status);
        Assert.StartsWith("application/problem+json", notJson.ContentType);

        // Route values reach the handler: an unknown journey is its 404 problem, not a routing 404 with no body.
        var unknown = await SendAsync("GET", "/api/journeys/999999999", SesApp.OperatorKey);
        Assert.Equal(404, unknown.Status);
        Assert.StartsWith("application/problem+json", unknown.ContentType);

        // The API document lists the shared endpoints; the page's assets come by the most specific route.
        var document = await SendAsync("GET", "/openapi/v1.json");
        Assert.Equal(200, document.Status);
        Assert.Contains("/api/referrals", document.Body);
        Assert.Contains("/api/journeys/{id}/events", document.Body);
        var script = await SendAsync("GET", "/scalar/scalar.js");
        Assert.Equal(200, script.Status);
        Assert.Contains("javascript", script.ContentType);

        // The console's files, with the security headers of the pipeline.
        var index = await SendAsync("GET", "/");
        Assert.Equal(200, index.Status);
        Assert.Contains("<html", index.Body);
        Assert.Equal(404, (await SendAsync("GET", "/appsettings.json")).Status);
    }

    /// <summary>Under the Functions host the worker's serializer is the task hub's: the same sealed text, read back the same.</summary>
    [Fact]
    public async Task The_workers_serializer_seals_task_hub_payloads_as_the_local_converter_does()
    {
        var options = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.Azure.Functions.Worker.WorkerOptions>>().Value;
        var serializer = Assert.IsType<SealingObjectSerializer>(options.Serializer);
        var keys = _services.GetRequiredService<Ses.Infrastructure.Protection.JourneyKeyStore>();
        var journeyId = "sealed-" + Guid.NewGuid().ToString("N")[..8];
        await keys.ClaimAsync(journeyId, "hash");
        var result = new CommitResult(journeyId, true, "fingerprint-in-plain", []);
        var text = serializer.Serialize(result, typeof(CommitResult), default).ToString();
        Assert.StartsWith("\"ses-sealed:v1:" + journeyId + ":", text);
        Assert.DoesNotContain("fingerprint-in-plain", text);
        foreach (var back in new[]
        {
            (CommitResult)serializer.Deserialize(new MemoryStream(Encoding.UTF8.GetBytes(text)), typeof(CommitResult), default)!,
            (CommitResult)_services.GetRequiredService<SealingDataConverter>().Deserialize(text, typeof(CommitResult))!,
        })
        {
            Assert.Equal((journeyId, true, "fingerprint-in-plain"), (back.JourneyId, back.Committed, back.UsedFingerprint));
        }
    }
}

/// <summary>
/// A journey through the Functions app's code: the HTTP function's pipeline with the durable client its binding gives,
/// on a task hub that another host runs (here the local host's, standing in for the Durable extension's). Until a
/// function has offered a client, a referral is a 503 and changes nothing.
/// </summary>
public sealed class FunctionAppJourneyTests
{
    [Fact]
    public async Task A_referral_through_an_http_function_starts_a_journey_on_the_hub_its_client_names()
    {
        await using var hub = new SesApp();
        var local = hub.Client(SesApp.OperatorKey);
        await using var app = new FunctionAppContainer(hub.Settings);
        await app.StartAsync();
        var id = Referrals.NewId();
        var body = JsonSerializer.Serialize(Referrals.Body(id));

        // An instance of the app no function has given a client yet (waiting 1 s for one, not the 30 s default).
        await using (var unbound = new FunctionAppContainer(new Dictionary<string, string?>(hub.Settings) { ["Journeys:ReplyWait"] = "00:00:01" }))
        {
            var before = await unbound.SendAsync("POST", "/api/referrals", SesApp.ReferralKey, body);
            Assert.True(before.Status == 503, before.Body);
            Assert.StartsWith("application/problem+json", before.ContentType);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await local.GetAsync($"/api/journeys/{id}")).StatusCode);

        // Sent again with a client: created now (the 503 claimed nothing), not held as "being created".
        var client = hub.Service<DurableTaskClient>();
        var created = await app.SendAsync("POST", "/api/referrals", SesApp.ReferralKey, body, client);
        Assert.True(created.Status == 201, created.Body);
        Assert.Contains(id, created.Body);

        // The same journey, read through the Functions pipeline and through the local host: one orchestration, one state.
        var viaFunction = await app.SendAsync("GET", $"/api/journeys/{id}", SesApp.OperatorKey);
        Assert.True(viaFunction.Status == 200, viaFunction.Body);
        using var journey = JsonDocument.Parse(viaFunction.Body);
        using var same = JsonDocument.Parse(await local.GetStringAsync($"/api/journeys/{id}"));
        Assert.Equal(same.RootElement.GetProperty("phase").GetString(), journey.RootElement.GetProperty("phase").GetString());
        Assert.NotNull(await client.GetInstanceAsync(id));

        // The duplicate is the handler's answer, not a second journey.
        var again = await app.SendAsync("POST", "/api/referrals", SesApp.ReferralKey, body, client);
        Assert.True(again.Status == 200, again.Body);
    }
}
