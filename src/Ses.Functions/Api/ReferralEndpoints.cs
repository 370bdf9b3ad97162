using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ses.Domain.Calendar;
using Ses.Domain.Journeys;
using Ses.Domain.Referrals;
using Ses.Functions.Auth;
using Ses.Infrastructure.Email;
using Ses.Infrastructure.Journeys;
using Ses.Infrastructure.Storage;

namespace Ses.Functions.Api;

/// <summary>POST /api/referrals: idempotent intake keyed by the referral ID (SPEC 5).</summary>
public static class ReferralEndpoints
{
    public static void MapReferrals(this IEndpointRouteBuilder api) =>
        api.MapPost("/referrals", CreateAsync).RequireAuthorization(Policies.Intake).WithTags("Referrals")
            .Accepts<ReferralInput>("application/json")
            .Produces<JourneyView>(StatusCodes.Status201Created).Produces<JourneyView>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> CreateAsync(
        HttpRequest request, JourneyEngine engine, JourneyStore store, ReferralAliases aliases, TimeProvider time,
        IReadOnlyDictionary<string, ProviderOptions> providers, CancellationToken ct)
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
        var validation = ReferralValidator.Validate(input, LondonTime.DateOf(time.GetUtcNow()));
        if (!validation.IsValid) return Problems.Validation(validation.Errors);
        var referral = validation.Referral!;
        var journeyId = JourneyIdFor(referral);
        var hash = Hash(input!);
        var caller = Caller.From(request.HttpContext.User);
        // 13.49: a PRaP referral claims its purchase order number in the same transaction as its write-ahead rows; an SRO
        // introduction that took the number first owns it (see ReferralAliases).
        var claim = referral.Channel == Channel.Prap ? ReferralAliases.ClaimRow(referral.ReferralId, journeyId) : null;
        if (claim is not null && await aliases.LegacyOwnerAsync(referral.ReferralId, ct) is { } earlier
            && await ResolveAsync(referral.ReferralId, earlier, store, caller, ct) is { } resolvedEarlier)
        {
            return resolvedEarlier;
        }
        EngineResult result;
        try
        {
            // A referral is nearly always new: decide without reading; if the journey exists, the insert conflicts and the engine reads it.
            result = await engine.ExecuteAsync(journeyId, now => new ReceiveReferral(journeyId, referral, now) { By = caller.Actor }, hash, ct,
                assumeNew: true, claim: claim);
        }
        catch (ClaimTakenException)
        {
            var owner = await aliases.OwnerAsync(referral.ReferralId, ct) ?? journeyId;
            if (await ResolveAsync(referral.ReferralId, owner, store, caller, ct) is { } resolved) return resolved;
            result = await engine.ExecuteAsync(journeyId, now => new ReceiveReferral(journeyId, referral, now) { By = caller.Actor }, hash, ct);
        }
        if (result.Changed) return TypedResults.Created($"/api/journeys/{journeyId}", JourneyView.Of(result.Journey!.Journey, caller));
        var existing = result.Journey!;
        return existing.RequestHash == hash
            ? TypedResults.Ok(JourneyView.Of(existing.Journey, caller))
            : Problems.Status(409, "The referral ID is already in use.",
                $"Journey '{journeyId}' was created from a different referral body; a referral ID identifies one referral.");
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
