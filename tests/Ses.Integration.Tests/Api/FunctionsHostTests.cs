using System.Net;
using System.Text.Json;
using Ses.Integration.Tests.Infrastructure;

namespace Ses.Integration.Tests.Api;

/// <summary>The Azure Functions custom-handler contract (ADR 002): host.json, function.json and the timer invocation.</summary>
public sealed class FunctionsHostTests
{
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SesFunctions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Repository root not found.");
    }

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
    public void The_functions_declare_a_catch_all_http_trigger_and_a_timer_trigger()
    {
        var functions = Path.Combine(Root(), "src", "Ses.Functions", "functions");
        using var http = JsonDocument.Parse(File.ReadAllText(Path.Combine(functions, "Http", "function.json")));
        var trigger = http.RootElement.GetProperty("bindings")[0];
        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("{*path}", trigger.GetProperty("route").GetString());
        using var timer = JsonDocument.Parse(File.ReadAllText(Path.Combine(functions, "TimerDispatch", "function.json")));
        Assert.Equal("timerTrigger", timer.RootElement.GetProperty("bindings")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_timer_invocation_fires_due_timers_and_answers_in_the_custom_handler_shape()
    {
        await using var app = new SesApp(new DateTimeOffset(2026, 3, 6, 10, 0, 0, TimeSpan.Zero));
        var id = Referrals.NewId();
        await Referrals.CreateAsync(app.Client(SesApp.ReferralKey), Referrals.Body(id));

        var response = await app.CreateClient().PostAsync("/TimerDispatch", new StringContent("{\"Data\":{},\"Metadata\":{}}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Contains("fired 1 timer(s)", body.RootElement.GetProperty("Logs")[0].GetString());
        var journey = await Referrals.GetAsync(app.Client(SesApp.OperatorKey), $"/api/journeys/{id}");
        Assert.Equal("missed", Referrals.Deadline(journey, "ucpr1-chase").GetProperty("state").GetString());
    }
}
