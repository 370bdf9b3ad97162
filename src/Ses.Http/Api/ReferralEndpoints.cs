using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Http.Auth;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Protection;
using Ses.Infrastructure.Storage;
using Ses.Journeys;

namespace Ses.Http.Api;

/// <summary>POST /api/referrals: idempotent intake keyed by the referral ID (SPEC 5).</summary>
public static class ReferralEndpoints
{
    public static void MapReferrals(this IEndpointRouteBuilder api) =>
        api.MapPost("/referrals", CreateAsync).RequireAuthorization(Policies.Intake).WithTags("Referrals")
            .Accepts<ReferralInput>("application/json")
            .Produces<JourneyView>(StatusCodes.Status201Created).Produces<JourneyView>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> CreateAsync(
        HttpRequest request, JourneyClient journeys, JourneyStore store, JourneyKeyStore keys, ReferralAliases aliases, TimeProvider time,
        JourneyPolicy policy, JourneyOptions options, IReadOnlyDictionary<string, ProviderOptions> providers, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadAsync(request, ct);
        if (error is not null) return error;
        var (input, bindError) = JsonBody.Bind<ReferralInput>(body!.Value);
        if (bindError is not null) return bindError;
        if (input?.Provider is { } provider && providers.Count > 0)
        {
            if (!providers.TryGetValue(provider, out var known)) return Problems.Validation("provider", $"'{provider}' is not a configured provider.");
            // A referral without a region takes its provider's (SPEC 8: Providers:{id}:Region).
            if (input.Region is null && known.Region is { Length: > 0 }) input = input with { Region = known.Region };
        }
        var now = time.GetUtcNow();
        var validation = ReferralValidator.Validate(input, LondonTime.DateOf(now));
        if (!validation.IsValid) return Problems.Validation(validation.Errors);
        var referral = validation.Referral!;
        var journeyId = JourneyIdFor(referral);
        var hash = Hash(input!);
        var caller = Caller.From(request.HttpContext.User);
        // A hub not ready (starting, or under the Functions host no client bound yet) is a 503 before anything is claimed,
        // so the same referral sent again is started then, not held as "being created".
        await journeys.ReadyAsync(ct);
        // 13.49: a PRaP referral's purchase order number may belong to an SRO introduction that took it on confirmation.
        if (referral.Channel == Channel.Prap)
        {
            var (owner, _) = await aliases.ClaimAsync(referral.ReferralId, journeyId, ct);
            if (await ResolveAsync(referral.ReferralId, owner, store, caller, ct) is { } resolved) return resolved;
        }
        // The journey ID is claimed with the journey's data key, once on any number of hosts (ADR 009).
        var (created, existingHash, createdAt) = await keys.ClaimAsync(journeyId, hash, ct);
        if (!created) return await ExistingAsync(journeyId, hash, existingHash, createdAt, store, journeys, options, caller, ct);
        var message = new ReferralMessage(referral, hash) { JourneyId = journeyId, RequestId = JourneyAnswers.NewRequestId(), Now = now, By = caller.Actor };
        var answer = await journeys.StartAsync(new JourneyRun(journeyId, policy), message, ct);
        return await JourneyAnswers.ToResultAsync(answer, journeyId, message.RequestId, store, caller, ct, created: true);
    }

    /// <summary>
    /// The same referral ID again: the same body is the same journey (200), once its first step has written it; another
    /// body is a 409. A journey whose ID was claimed but whose orchestration never started (the host died in between) is
    /// started by the repeat, once the claim is older than the time any start takes.
    /// </summary>
    private static async Task<IResult> ExistingAsync(
        string journeyId, string hash, string? existingHash, DateTimeOffset? createdAt, JourneyStore store, JourneyClient journeys,
        JourneyOptions options, Caller caller, CancellationToken ct)
    {
        if (existingHash is not null && existingHash != hash)
        {
            return Problems.Status(409, "The referral ID is already in use.",
                $"Journey '{journeyId}' was created from a different referral body; a referral ID identifies one referral.");
        }
        var deadline = DateTimeOffset.UtcNow + options.ReplyWait;
        while (true)
        {
            if (await store.GetAsync(journeyId, ct) is { } stored)
            {
                return stored.RequestHash is { } storedHash && storedHash != hash
                    ? Problems.Status(409, "The referral ID is already in use.",
                        $"Journey '{journeyId}' was created from a different referral body; a referral ID identifies one referral.")
                    : TypedResults.Ok(JourneyView.Of(stored.Journey, caller));
            }
            if (DateTimeOffset.UtcNow >= deadline)
            {
                return Problems.Status(409, "The referral is being created.", $"Journey '{journeyId}' is being created from this referral; send it again shortly.");
            }
            await Task.Delay(options.ReplyPoll, ct);
        }
    }

    /// <summary>
    /// 13.49: JCP's PRaP referral for someone an SRO introduced carries the purchase order number the introduction took on
    /// confirmation; it resolves to that journey (200), never a second one. Null when the number is the PRaP journey's own.
    /// </summary>
    private static async Task<IResult?> ResolveAsync(string purchaseOrder, string owner, JourneyStore store, Caller caller, CancellationToken ct)
    {
        if (owner == purchaseOrder) return null;
        var introduced = await store.GetAsync(owner, ct);
        if (introduced is not null && introduced.Journey.ReferralId == purchaseOrder)
        {
            return TypedResults.Ok(JourneyView.Of(introduced.Journey, caller));
        }
        return Problems.Status(409, "The purchase order number is being confirmed for an SRO introduction.",
            $"Journey '{owner}' is taking purchase order number {purchaseOrder} (13.49); send the referral again shortly.");
    }

    /// <summary>
    /// Journey IDs never collide across channels: a PRaP purchase order number is 9 digits; SRO introductions and SCR
    /// clerical referrals get their own prefixes, so the SCR reference <c>sro-abc123</c> becomes <c>scr-sro-abc123</c> and
    /// cannot meet the introduction <c>abc123</c> (<c>sro-abc123</c>), nor an SCR number meet the PRaP journey with that number.
    /// </summary>
    public static string JourneyIdFor(Referral referral) => referral.Channel switch
    {
        Channel.Sro => $"sro-{referral.ReferralId}",
        Channel.Scr => $"scr-{referral.ReferralId}",
        _ => referral.ReferralId,
    };

    private static string Hash(ReferralInput input) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(input, Json.Options))));
}
