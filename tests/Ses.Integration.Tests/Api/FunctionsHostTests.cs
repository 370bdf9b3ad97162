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
    public void Every_function_has_one_trigger_and_each_is_an_http_trigger()
    {
        var folders = Directory.GetDirectories(Functions).Select(d => Path.GetFileName(d)!).Order().ToArray();
        Assert.Equal(["Docs", "Http", "Site"], folders);
        foreach (var folder in folders)
        {
            using var function = JsonDocument.Parse(File.ReadAllText(Path.Combine(Functions, folder, "function.json")));
            var triggers = function.RootElement.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal)).ToArray();
            Assert.Single(triggers);
            Assert.Equal("httpTrigger", triggers[0].GetProperty("type").GetString());
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
