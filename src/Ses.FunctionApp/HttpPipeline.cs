using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ses.Http;
using Ses.Journeys;

namespace Ses.FunctionApp;

/// <summary>
/// The local host's endpoints and pipeline, built once in the worker (ADR 011): <see cref="SesHttp.MapSes"/> on a route
/// builder of this container gives the same endpoints (the same handlers, parameter binding, policies and OpenAPI
/// metadata), and <see cref="SesHttp.UseSesPipeline"/> the same middleware. An HTTP function names its route; the request
/// then runs through the pipeline with that route's endpoint, as the local host's routing would have chosen it.
/// </summary>
public sealed class HttpPipeline
{
    private readonly List<(RouteEndpoint Endpoint, TemplateMatcher Matcher, string[] Methods)> _routes;
    private readonly RequestDelegate _pipeline;
    private readonly TaskHubClients _clients;

    public HttpPipeline(IServiceProvider services, FunctionEndpoints endpoints, IWebHostEnvironment environment, TaskHubClients clients)
    {
        _clients = clients;
        Endpoints = endpoints.DataSource;
        // Most specific first, as routing orders them (a literal segment before a parameter: scalar/scalar.js before
        // scalar/{documentName?}), whatever order the Functions host tried its routes in.
        _routes = Endpoints.Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Endpoint: e, Template: TemplateParser.Parse(Route(e))))
            .OrderBy(r => RoutePrecedence.ComputeInbound(r.Template))
            .Select(r => (r.Endpoint, new TemplateMatcher(r.Template, new RouteValueDictionary()), Methods(r.Endpoint).ToArray()))
            .ToList();
        var app = new ApplicationBuilder(services);
        app.UseSesPipeline(environment.WebRootFileProvider);
        app.Run(context => context.GetEndpoint()?.RequestDelegate is { } endpoint ? endpoint(context) : NotFound(context));
        _pipeline = app.Build();
    }

    /// <summary>Every endpoint, as the local host maps them.</summary>
    public EndpointDataSource Endpoints { get; }

    /// <summary>The routes (in Functions' form, <see cref="Route"/>) and methods the endpoints answer.</summary>
    public IEnumerable<(string Route, string Method)> Routes => _routes.SelectMany(r => r.Methods.Select(m => (Route(r.Endpoint), m)));

    /// <summary>A route pattern as a Functions route: the same template without its leading and trailing slash.</summary>
    public static string Route(RouteEndpoint endpoint) => (endpoint.RoutePattern.RawText ?? "").Trim('/');

    public static IEnumerable<string> Methods(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    /// <summary>
    /// Runs a request through the pipeline with the endpoint the local host's routing would choose for its method and path
    /// (none: the console's files, or 404). The function's own route only let the request in. The durable client the
    /// function was bound is offered to the journeys (<see cref="TaskHubClients"/>).
    /// </summary>
    public Task RunAsync(HttpContext context, DurableTaskClient? client, IServiceProvider requestServices)
    {
        if (client is not null) _clients.Offer(client);
        context.RequestServices = requestServices;
        var method = context.Request.Method.ToUpperInvariant();
        foreach (var (endpoint, matcher, methods) in _routes)
        {
            var values = new RouteValueDictionary();
            if (!methods.Contains(method) || !matcher.TryMatch(context.Request.Path, values)) continue;
            foreach (var (key, value) in values) context.Request.RouteValues[key] = value;
            context.SetEndpoint(endpoint);
            break;
        }
        return _pipeline(context);
    }

    private static Task NotFound(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

}

/// <summary>
/// The endpoints of <see cref="SesHttp.MapSes"/> on a route builder of this container. A service of its own, apart from
/// the <see cref="HttpPipeline"/>: the pipeline's middleware (authorisation's policy cache, the API document) asks the
/// container for the <see cref="EndpointDataSource"/>, which is this, so building the pipeline must not build it.
/// </summary>
public sealed class FunctionEndpoints
{
    public FunctionEndpoints(IServiceProvider services, IConfiguration config)
    {
        var routes = new RouteBuilder(services);
        routes.MapSes(config);
        DataSource = new CompositeEndpointDataSource(routes.DataSources);
    }

    public EndpointDataSource DataSource { get; }

    /// <summary>An endpoint route builder over this container, as a WebApplication is one over its own.</summary>
    private sealed class RouteBuilder(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => services;
        public ICollection<EndpointDataSource> DataSources { get; } = [];
        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(services);
    }
}
