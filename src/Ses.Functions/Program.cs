using Ses.Functions.Hosting;
using Ses.Http;

// The local host (ADR 009, ADR 011): one ASP.NET Core process serving the API and console and running the journeys on
// the Azure Storage task hub through the sidecar. Azure runs the same endpoints and orchestrations in src/Ses.FunctionApp.
var builder = WebApplication.CreateBuilder(args);
if (!builder.Environment.IsEnvironment("Testing"))
{
    builder.Configuration.AddLocalSettings(builder.Environment.ContentRootPath);
    builder.Configuration.AddCommandLine(args);
}

builder.Services.AddSesHttp(builder.Configuration);
builder.Services.AddLocalTaskHub(builder.Configuration);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = SesHttp.MaxRequestBodySize);

var app = builder.Build();
app.UseSesPipeline(app.Environment.WebRootFileProvider);
app.MapSes(app.Configuration);
await SesHttp.StartAsync(app.Services, app.Logger);
app.Run();

public partial class Program;
