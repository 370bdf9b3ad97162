using System.Diagnostics;
using Azure.Core.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Ses.Http;
using Ses.Journeys;

namespace Ses.FunctionApp;

/// <summary>
/// The Functions app's services: the product's and the HTTP API's exactly as the local host registers them
/// (<see cref="SesHttp.AddSesHttp"/>), the pipeline the HTTP functions run, and the task hub's serializer.
/// Public so that the tests build the same container without the Functions host.
/// </summary>
public static class FunctionAppServices
{
    public static IServiceCollection AddFunctionApp(this IServiceCollection services, IConfiguration config)
    {
        services.AddSesHttp(config);
        services.AddRouting();
        // What the middleware of the shared pipeline takes from a web host, which the worker's container may not have.
        services.TryAddSingleton<IWebHostEnvironment>(sp => new FunctionAppEnvironment(sp.GetRequiredService<IHostEnvironment>()));
        services.TryAddSingleton(new DiagnosticListener("Ses.FunctionApp"));
        services.TryAddSingleton<DiagnosticSource>(sp => sp.GetRequiredService<DiagnosticListener>());
        services.AddSingleton<FunctionEndpoints>();
        services.AddSingleton<HttpPipeline>();
        // The API document and authorisation read the endpoints the HTTP functions run (the local host's EndpointDataSource
        // is its app's).
        services.AddSingleton<EndpointDataSource>(sp => sp.GetRequiredService<FunctionEndpoints>().DataSource);
        // Under the Functions host the Durable extension serialises every orchestration and activity payload with the
        // worker's serializer (it ignores a DataConverter of its own): that serializer is the sealing converter, so the
        // task hub holds no personal data in plain here either (ADR 009).
        services.AddOptions<WorkerOptions>().Configure<SealingDataConverter>((o, converter) => o.Serializer = new SealingObjectSerializer(converter));
        return services;
    }

    /// <summary>The published app's folder as content root and its <c>wwwroot</c> (the console's files) as web root.</summary>
    private sealed class FunctionAppEnvironment(IHostEnvironment host) : IWebHostEnvironment
    {
        public string ApplicationName { get; set; } = host.ApplicationName;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(AppContext.BaseDirectory);
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public string EnvironmentName { get; set; } = host.EnvironmentName;
        public string WebRootPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        public IFileProvider WebRootFileProvider { get; set; } = Directory.Exists(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
            ? new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"))
            : new NullFileProvider();
    }
}

/// <summary>The worker's <see cref="ObjectSerializer"/> as the task hub's <see cref="SealingDataConverter"/>: the same text.</summary>
public sealed class SealingObjectSerializer(SealingDataConverter converter) : ObjectSerializer
{
    public override object? Deserialize(Stream stream, Type returnType, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        return converter.Deserialize(reader.ReadToEnd(), returnType);
    }

    public override async ValueTask<object?> DeserializeAsync(Stream stream, Type returnType, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        return converter.Deserialize(await reader.ReadToEndAsync(cancellationToken), returnType);
    }

    public override void Serialize(Stream stream, object? value, Type inputType, CancellationToken cancellationToken)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(converter.Serialize(value) ?? "null");
        stream.Write(bytes);
    }

    public override async ValueTask SerializeAsync(Stream stream, object? value, Type inputType, CancellationToken cancellationToken)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(converter.Serialize(value) ?? "null");
        await stream.WriteAsync(bytes, cancellationToken);
    }
}
