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
using Ses.Journeys;

namespace Ses.Http.Hosting;

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
        services.AddSingleton<Ses.Http.Api.ReferralAliases>();
        services.AddSingleton<EmailComposer>();
        services.AddSingleton<DocumentStore>();
        var reminders = config.GetSection("Reminders").Get<ReminderOptions>() ?? new ReminderOptions();
        services.AddSingleton(new JourneyPolicy(ispDays, reminders.TimeOfDay, IsVirtual(config)));
        // Marked ready by the host once its task hub serves: the local hub (LocalTaskHub) or, under the Functions host, the
        // first durable client the host binds (TaskHubClients.Offer).
        services.AddSingleton(new TaskHubReadiness());
        services.AddJourneyWorkflow(config.GetSection("Journeys").Get<JourneyOptions>());
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
