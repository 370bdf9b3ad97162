using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Ses.Http.Auth;

/// <summary>SPEC 5, 8: <c>Auth:ApiKeys:{n}:Key</c>, <c>:Role</c>, <c>:Provider</c>, <c>:Name</c>.</summary>
public sealed class ApiKeyEntry
{
    public string Key { get; set; } = "";
    /// <summary>Who the key belongs to, as history shows it (SPEC 5.1). Without one, <c>key-{n}</c> from its configuration index.</summary>
    public string? Name { get; set; }
    public string Role { get; set; } = "";
    public string? Provider { get; set; }
}

public static class Roles
{
    public const string ReferralSystem = "referral-system";
    public const string Provider = "provider";
    public const string Operator = "operator";
    public const string NominatedOfficer = "nominated-officer";
    public const string ProviderClaim = "ses:provider";
}

/// <summary>The caller behind a request, as the endpoints need it.</summary>
public sealed record Caller(string Role, string? Provider, string Name)
{
    public static Caller From(ClaimsPrincipal user) =>
        new(user.FindFirstValue(ClaimTypes.Role) ?? "", user.FindFirstValue(Roles.ProviderClaim), user.FindFirstValue(ClaimTypes.Name) ?? "");

    /// <summary>The actor recorded on every history entry this caller causes: the key's name and role, never the key (SPEC 5.1).</summary>
    public Ses.Domain.Journeys.Actor Actor => new(Name, Role);

    /// <summary>Provider keys see only their own provider's journeys (SPEC 5).</summary>
    public bool CanSee(string provider) => Role != Roles.Provider || string.Equals(Provider, provider, StringComparison.Ordinal);

    /// <summary>A provider key configured without its provider sees no journey at all (<see cref="CanSee"/> is false for every one).</summary>
    public bool SeesNoJourney => Role == Roles.Provider && Provider is null;

    /// <summary>Only nominated officers see the personal data of MAPPA and SCR records (13.71, 13.76-13.78).</summary>
    public bool SeesRestricted => Role == Roles.NominatedOfficer;
}

/// <summary>Reads the <c>x-functions-key</c> header (the Functions convention) and compares it in constant time.</summary>
public sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "FunctionsKey";
    public const string Header = "x-functions-key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var supplied) || string.IsNullOrEmpty(supplied))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var (match, index) = Find(configuration, supplied.ToString());
        if (match is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        var name = string.IsNullOrWhiteSpace(match.Name) ? $"key-{index}" : match.Name;
        var claims = new List<Claim> { new(ClaimTypes.Role, match.Role), new(ClaimTypes.Name, name) };
        if (!string.IsNullOrEmpty(match.Provider)) claims.Add(new Claim(Roles.ProviderClaim, match.Provider));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>
    /// In Azure the keys are Key Vault references; one whose secret is missing (or unreadable) stays the literal
    /// <c>@Microsoft.KeyVault(…)</c> text, which is public (infra/main.bicep), so it is never a valid key.
    /// </summary>
    public static bool IsUnresolvedReference(string value) => value.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configured key equal to <paramref name="supplied"/> (constant-time comparison) with its index, or null.</summary>
    public static (ApiKeyEntry? Entry, int Index) Find(IConfiguration configuration, string supplied)
    {
        var keys = configuration.GetSection("Auth:ApiKeys").Get<List<ApiKeyEntry>>() ?? [];
        var suppliedBytes = Encoding.UTF8.GetBytes(supplied);
        var index = keys.FindIndex(k => k.Key.Length > 0 && !IsUnresolvedReference(k.Key) &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(k.Key), suppliedBytes));
        return index < 0 ? (null, -1) : (keys[index], index);
    }
}
