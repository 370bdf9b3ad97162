using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ses.Http;

namespace Ses.FunctionApp;

/// <summary>
/// The Azure host (ADR 011): the isolated worker, with the ASP.NET Core integration for HTTP (HttpRequest in, the shared
/// pipeline writing the response) and the Durable extension running the journeys on the task hub the host keeps.
/// Not a top-level program: the tests reference this assembly beside the local host's, whose <c>Program</c> they start.
/// </summary>
public static class FunctionAppProgram
{
    public static async Task Main(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.Services.AddFunctionApp(builder.Configuration);
        using var host = builder.Build();
        await SesHttp.StartAsync(host.Services, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ses.FunctionApp"));
        await host.RunAsync();
    }
}
