using Microsoft.Extensions.DependencyInjection.Extensions;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Infrastructure.Clock;
using Ses.Infrastructure.Documents;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Outbox;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Ses.Journeys;

namespace Ses.Functions.Hosting;

/// <summary>Wires the configuration of SPEC 8 to the journey engine, its storage and its email adapters.</summary>
public static class SesServices
{
    public static IServiceCollection AddSes(this IServiceCollection services, IConfiguration config)
    {
        var storage = config.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        storage.Validate();
        services.AddSingleton(storage);
        services.AddSingleton<StorageClients>();
        var sendGrid = config.GetSection("SendGrid").Get<SendGridOptions>() ?? new SendGridOptions();
        // An unresolved Key Vault reference (secret not set yet) is no key: emails are kept as .eml, with the start-up warning.
        if (sendGrid.ApiKey is { } apiKey && Auth.ApiKeyHandler.IsUnresolvedReference(apiKey)) sendGrid.ApiKey = "";
        services.AddSingleton(sendGrid);
        services.AddSingleton(config.GetSection("Inboxes").Get<InboxOptions>() ?? new InboxOptions());
        services.AddSingleton(config.GetSection("Reminders").Get<ReminderOptions>() ?? new ReminderOptions());
        var outbox = config.GetSection("Outbox").Get<OutboxOptions>() ?? new OutboxOptions();
        outbox.Validate();
        services.AddSingleton(outbox);
        services.TryAddSingleton(RealClock.System);
        services.AddSingleton<HostIdentity>();
        var providers = config.GetSection("Providers").Get<Dictionary<string, ProviderOptions>>() ?? [];
        services.AddSingleton<IReadOnlyDictionary<string, ProviderOptions>>(providers);
        var ispDays = config.GetValue("Policy:IspAgreedWorkingDays", 5);
        services.AddSingleton(new JourneyRules(WorkingDayCalendar.Official, ispDays));

        AddClock(services, config);
        services.AddJourneyDataProtection(KeyEncryptionKey.FromSetting(config["DataProtection:KeyEncryptionKey"]));
        services.AddSingleton<JourneyStore>();
        services.AddSingleton<JourneyIndex>();
        services.AddSingleton<Ses.Functions.Api.ReferralAliases>();
        services.AddSingleton<EmailComposer>();
        services.AddSingleton<DocumentStore>();
        var reminders = config.GetSection("Reminders").Get<ReminderOptions>() ?? new ReminderOptions();
        services.AddSingleton(new JourneyPolicy(ispDays, reminders.TimeOfDay, IsVirtual(config)));
        services.AddSingleton(new TaskHubReadiness()); // marked ready by the local hub once it serves (LocalTaskHub)
        services.AddJourneyWorkflow(config.GetSection("Journeys").Get<JourneyOptions>());
        AddTaskHub(services, config);
        services.AddHttpClient("sendgrid");
        services.AddSingleton<IEmailSender>(sp =>
        {
            var options = sp.GetRequiredService<SendGridOptions>();
            return string.IsNullOrWhiteSpace(options.ApiKey)
                ? new BlobKeepingEmailSender(sp.GetRequiredService<StorageClients>(), options)
                : new SendGridEmailSender(options, sp.GetRequiredService<OutboxOptions>(), sp.GetRequiredService<IHttpClientFactory>().CreateClient("sendgrid"));
        });
        services.AddExceptionHandler<BadRequestBodyHandler>();
        // A query value of the wrong type throws, so BadRequestBodyHandler can name the parameter (otherwise an empty 400).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddSingleton<Api.ContinuationTokens>();
        services.AddSingleton(sp => new Api.CaseloadCounts(sp.GetRequiredService<JourneyIndex>(), sp.GetRequiredService<RealClock>(),
            config.GetValue("Caseload:CountsMaxAge", TimeSpan.FromSeconds(30))));
        // The input limits as maxLength in the OpenAPI document that Program's AddOpenApi() names "v1".
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddSchemaTransformer<OpenApiLimits>());
        return services;
    }

    private static bool IsVirtual(IConfiguration config) => string.Equals(config["Clock:Mode"], "Virtual", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The local engine (ADR 009): the task hub on this process's storage account through the sidecar (<see cref="LocalTaskHub"/>,
    /// started before the worker), the Durable Task worker running the journeys' orchestrations and activities, and the
    /// client the handlers use; both serialise with the sealing data converter.
    /// </summary>
    private static void AddTaskHub(IServiceCollection services, IConfiguration config)
    {
        var hub = config.GetSection("DurableTask").Get<TaskHubOptions>() ?? new TaskHubOptions();
        services.AddSingleton(hub);
        services.AddSingleton<LocalTaskHub>();
        services.AddHostedService(sp => sp.GetRequiredService<LocalTaskHub>());
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc();
            b.AddTasks(r => r.AddJourneyTasks());
        });
        services.AddDurableTaskClient(b =>
        {
            b.UseGrpc();
            b.RegisterDirectly();
        });
        services.AddOptions<Microsoft.DurableTask.Worker.Grpc.GrpcDurableTaskWorkerOptions>(Options.DefaultName)
            .Configure<LocalTaskHub>((o, local) => o.Channel = local.Channel);
        services.AddOptions<Microsoft.DurableTask.Client.Grpc.GrpcDurableTaskClientOptions>(Options.DefaultName)
            .Configure<LocalTaskHub>((o, local) => o.Channel = local.Channel);
        services.AddOptions<Microsoft.DurableTask.Worker.DurableTaskWorkerOptions>(Options.DefaultName)
            .Configure<Ses.Journeys.SealingDataConverter>((o, converter) =>
            {
                o.DataConverter = converter;
                o.Concurrency.MaximumConcurrentActivityWorkItems = hub.MaxConcurrentActivities;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = hub.MaxConcurrentOrchestrations;
            });
        services.AddOptions<Microsoft.DurableTask.Client.DurableTaskClientOptions>(Options.DefaultName)
            .Configure<Ses.Journeys.SealingDataConverter>((o, converter) => o.DataConverter = converter);
    }

    private static void AddClock(IServiceCollection services, IConfiguration config)
    {
        var mode = config["Clock:Mode"] ?? "System";
        if (string.Equals(mode, "Virtual", StringComparison.OrdinalIgnoreCase))
        {
            var start = config["Clock:Start"] is { Length: > 0 } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : DateTimeOffset.UtcNow;
            var clock = new VirtualClock(start);
            services.AddSingleton(clock);
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<JourneyClock>();
            services.AddHostedService<ClockMoveResumer>();
        }
        else if (string.Equals(mode, "System", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton(TimeProvider.System);
        }
        else
        {
            throw new InvalidOperationException("Clock:Mode must be System or Virtual.");
        }
    }
}
