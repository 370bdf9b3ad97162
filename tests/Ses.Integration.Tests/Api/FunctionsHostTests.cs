using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>The Azure Functions custom-handler contract (ADR 002, ADR 004): host.json, function.json and the trigger invocations.</summary>
public sealed class FunctionsHostTests
{
    internal static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SesFunctions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Repository root not found.");
    }

    private static string Functions => Path.Combine(Root(), "src", "Ses.Functions", "functions");

    /// <summary>What the Functions host POSTs to /{FunctionName} for a timer trigger (Data: the TimerInfo; Metadata: sys).</summary>
    internal static string TimerInvocation(string function, bool pastDue = false) => $$"""
        {
          "Data": {
            "timer": {
              "Schedule": { "AdjustForDST": true },
              "ScheduleStatus": { "Last": "2026-03-06T09:59:30+00:00", "Next": "2026-03-06T10:00:30+00:00", "LastUpdated": "2026-03-06T09:59:30+00:00" },
              "IsPastDue": {{(pastDue ? "true" : "false")}}
            }
          },
          "Metadata": {
            "sys": { "MethodName": "{{function}}", "UtcNow": "2026-03-06T10:00:00.0000000Z", "RandGuid": "{{Guid.NewGuid()}}" }
          }
        }
        """;

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpRequestMessage Invocation(string function, string? body = null) =>
        new(HttpMethod.Post, "/" + function) { Content = Json(body ?? TimerInvocation(function)) };

    [Fact]
    public void Host_json_names_the_app_as_a_custom_handler_that_forwards_http_requests()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root(), "host.json")));
        var handler = host.RootElement.GetProperty("customHandler");
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal("app/Ses.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.Equal("", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void Every_function_has_one_trigger_and_both_background_jobs_are_timer_triggers()
    {
        var folders = Directory.GetDirectories(Functions).Select(d => Path.GetFileName(d)!).Order().ToArray();
        Assert.Equal(["Docs", "Http", "OutboxSend", "Site", "TimerDispatch"], folders);
        foreach (var folder in folders)
        {
            using var function = JsonDocument.Parse(File.ReadAllText(Path.Combine(Functions, folder, "function.json")));
            var triggers = function.RootElement.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).ToArray();
            Assert.Single(triggers);
            var expected = folder is "TimerDispatch" or "OutboxSend" ? "timerTrigger" : "httpTrigger";
            Assert.Equal(expected, triggers[0].GetProperty("type").GetString());
        }
    }

    /// <summary>
    /// The host routes outside requests with ASP.NET Core route templates (function.json "route", prefix ""): this serves
    /// each HTTP function's route on the same routing engine and checks which paths reach the app at all.
    /// </summary>
    public static TheoryData<string, string, string?> Paths => new()
    {
        { "GET", "/", "Site" },
        { "GET", "/index.html", "Site" },
        { "GET", "/console-app.js", "Site" },
        { "GET", "/console-statistics.js", "Site" },
        { "GET", "/chart.umd.min.js", "Site" },
        { "GET", "/console-../appsettings.json", null },
        { "GET", "/dashboard.css", "Site" },
        { "GET", "/openapi/v1.json", "Docs" },
        { "GET", "/scalar/v1", "Docs" },
        { "GET", "/scalar/scalar.js", "Docs" },
        { "GET", "/api/health", "Http" },
        { "GET", "/api/health/ready", "Http" },
        { "POST", "/api/referrals", "Http" },
        { "DELETE", "/api/journeys/200123456", "Http" },
        { "POST", "/TimerDispatch", null },
        { "POST", "/OutboxSend", null },
        { "POST", "/timerdispatch", null },
        { "GET", "/TimerDispatch", null },
        { "POST", "/TimerDispatch/", null },
        { "POST", "/scalar/../TimerDispatch", null },
        { "POST", "/Http", null },
        { "GET", "/appsettings.json", null },
        { "GET", "/Ses.Functions.dll", null },
        { "GET", "/TimerDispatch/x", null },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Outside_requests_reach_the_app_only_under_api_and_the_site_files(string method, string path, string? function)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddRouting();
        await using var host = builder.Build();
        foreach (var folder in Directory.GetDirectories(Functions))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "function.json")));
            var trigger = json.RootElement.GetProperty("bindings")[0];
            if (trigger.GetProperty("type").GetString() != "httpTrigger") continue;
            var name = Path.GetFileName(folder);
            var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray();
            host.MapMethods(trigger.GetProperty("route").GetString()!, methods, () => name);
        }
        await host.StartAsync();
        var response = await host.GetTestClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        if (function is null)
        {
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{method} {path} reached {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(function, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>
    /// The same paths on the engine the Functions host itself routes with: one <c>Route</c> per HTTP function (IRouter
    /// routing, the default inline constraint resolver, an <c>HttpMethodRouteConstraint</c>), as the host's
    /// WebScriptHostHttpRoutesManager maps them. Paths arrive normalised (Kestrel and the front end remove dot segments).
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public async Task The_same_paths_on_the_hosts_iroute_engine(string method, string path, string? function)
    {
        var services = new ServiceCollection().AddRouting().AddLogging().BuildServiceProvider();
        var resolver = services.GetRequiredService<Microsoft.AspNetCore.Routing.IInlineConstraintResolver>();
        var routes = new Microsoft.AspNetCore.Routing.RouteCollection();
        foreach (var folder in Directory.GetDirectories(Functions).Order())
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "function.json")));
            var trigger = json.RootElement.GetProperty("bindings")[0];
            if (trigger.GetProperty("type").GetString() != "httpTrigger") continue;
            var name = Path.GetFileName(folder);
            var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray();
            var constraints = new Dictionary<string, object> { ["httpMethod"] = new Microsoft.AspNetCore.Routing.Constraints.HttpMethodRouteConstraint(methods) };
            routes.Add(new Microsoft.AspNetCore.Routing.Route(
                new Microsoft.AspNetCore.Routing.RouteHandler(_ => Task.CompletedTask), name, trigger.GetProperty("route").GetString(),
                defaults: null, constraints, dataTokens: new Microsoft.AspNetCore.Routing.RouteValueDictionary { ["function"] = name }, resolver));
        }
        var normalised = new Uri(new Uri("http://host"), path).AbsolutePath;
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.Path = normalised;
        var routing = new Microsoft.AspNetCore.Routing.RouteContext(context);
        await routes.RouteAsync(routing);
        Assert.Equal(function, routing.Handler is null ? null : (string?)routing.RouteData.DataTokens["function"]);
    }

    [Fact]
    public async Task The_timer_dispatch_invocation_fires_due_timers_and_answers_in_the_custom_handler_shape()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));

        var response = await app.CreateClient().SendAsync(Invocation("TimerDispatch"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Empty(body.RootElement.GetProperty("Outputs").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("ReturnValue").ValueKind);
        Assert.Equal(["TimerDispatch: fired 1 timer(s)"], body.RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()));
        var journey = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), $"/api/journeys/{id}");
        Assert.Equal("missed", Referrals.Deadline(journey, "ucpr1-chase").GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_timer_invocation_hands_its_emails_to_the_sender_and_the_outbox_invocation_finishes_them()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var host = app.CreateClient();
        var ops = app.Client(SesApp.OperatorKey);

        Assert.Equal(HttpStatusCode.OK, (await host.SendAsync(Invocation("TimerDispatch"))).StatusCode);
        var chase = await Chase(ops, id);
        // Issue 9: the host that commits an email claims it and sends it itself, never leaving it queued for another.
        Assert.Contains(chase.GetProperty("status").GetString(), new[] { "sending", "not-sent" });

        var response = await host.SendAsync(Invocation("OutboxSend", TimerInvocation("OutboxSend", pastDue: true)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var logs = body.RootElement.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()!).ToArray();
        Assert.Matches("^OutboxSend: handled [0-9]+ email\\(s\\)$", logs[0]);
        Assert.Equal("OutboxSend: the timer was past due", logs[1]);
        Assert.Equal("not-sent", (await Chase(ops, id)).GetProperty("status").GetString()); // no SendGrid key: kept as .eml
        foreach (var personal in new[] { "Adaline", "Quernsby", "JG103759A", "07700 900461", "Harrowgate" })
        {
            Assert.DoesNotContain(logs.Concat(app.Logs), l => l.Contains(personal, StringComparison.OrdinalIgnoreCase));
        }
    }

    private static async Task<JsonElement> Chase(HttpClient ops, string id)
    {
        var list = await Referrals.GetAsync(ops, $"/api/journeys/{id}/notifications");
        var items = list.ValueKind == JsonValueKind.Array ? list : list.GetProperty("items");
        return items.EnumerateArray().Single(n => n.GetProperty("template").GetString() == "ucpr1-chase");
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("X-ARR-LOG-ID", "7f0c6a2e-0000-0000-0000-000000000000")]
    [InlineData("Disguised-Host", "sesjourneys-func.azurewebsites.net")]
    [InlineData("X-Original-URL", "/TimerDispatch")]
    public async Task An_invocation_forwarded_from_outside_is_refused_and_fires_nothing(string header, string value)
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));
        var host = app.CreateClient();

        foreach (var function in new[] { "TimerDispatch", "OutboxSend" })
        {
            var request = Invocation(function);
            request.Headers.Add(header, value);
            Assert.Equal(HttpStatusCode.NotFound, (await host.SendAsync(request)).StatusCode);
        }
        var journey = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), $"/api/journeys/{id}");
        Assert.Equal("pending", Referrals.Deadline(journey, "ucpr1-chase").GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_invocation_from_another_address_than_loopback_is_refused()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.Zero));
        await using var remote = app.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RemoteAddress(IPAddress.Parse("198.51.100.20")))));
        Assert.Equal(HttpStatusCode.NotFound, (await remote.CreateClient().SendAsync(Invocation("TimerDispatch"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await remote.CreateClient().SendAsync(Invocation("OutboxSend"))).StatusCode);

        await using var loopback = app.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RemoteAddress(IPAddress.Loopback))));
        Assert.Equal(HttpStatusCode.OK, (await loopback.CreateClient().SendAsync(Invocation("TimerDispatch"))).StatusCode);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"Data\": {}}")]
    [InlineData("{\"Metadata\": {}}")]
    [InlineData("{\"Data\": \"x\", \"Metadata\": {}}")]
    public async Task A_body_that_is_not_an_invocation_payload_is_400(string body)
    {
        await using var app = new SesApp();
        var response = await app.CreateClient().SendAsync(Invocation("TimerDispatch", body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private sealed class RemoteAddress(IPAddress address) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate following) =>
            {
                context.Connection.RemoteIpAddress = address;
                return following(context);
            });
            next(app);
        };
    }
}
