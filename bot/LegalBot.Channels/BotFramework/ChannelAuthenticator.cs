using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace LegalBot.Channels.BotFramework;

public sealed record ChannelAuthResult(bool Ok, string? Error)
{
    public static readonly ChannelAuthResult Success = new(true, null);
    public static ChannelAuthResult Fail(string error) => new(false, error);
}

/// <summary>
/// Validates the JWT a Bot Framework channel sends with each activity: RS256 signature against the signing
/// keys published at the OpenID metadata URL, issuer, audience = the bot's Microsoft App ID, lifetime
/// (5 minutes skew), the <c>serviceurl</c> claim equal to the activity's serviceUrl, and — as the official
/// connector does — the signing key's <c>endorsements</c>: a key endorsed only for other channels cannot vouch
/// for an activity of this channel.
/// Used only when an App ID is configured; without one the bot runs anonymously (Emulator/local).
/// </summary>
public sealed class ChannelAuthenticator
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly string _appId;
    private readonly string _issuer;
    private readonly JsonWebTokenHandler _handler = new();

    public ChannelAuthenticator(string appId, string issuer, string openIdMetadataUrl, HttpClient http)
    {
        _appId = appId;
        _issuer = issuer;
        var retriever = new HttpDocumentRetriever(http) { RequireHttps = openIdMetadataUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) };
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(openIdMetadataUrl, new OpenIdConnectConfigurationRetriever(), retriever);
    }

    public async Task<ChannelAuthResult> AuthenticateAsync(string? authorizationHeader, Activity activity, CancellationToken cancellationToken)
    {
        if (authorizationHeader is null || !authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return ChannelAuthResult.Fail("missing bearer token");
        var token = authorizationHeader["Bearer ".Length..].Trim();
        OpenIdConnectConfiguration config;
        try
        {
            config = await _metadata.GetConfigurationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            return ChannelAuthResult.Fail("signing keys unavailable: " + ex.Message);
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _issuer,
            ValidAudience = _appId,
            IssuerSigningKeys = config.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512],
            ClockSkew = TimeSpan.FromMinutes(5),
            RequireSignedTokens = true,
            RequireExpirationTime = true,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid) return ChannelAuthResult.Fail("invalid token: " + (result.Exception?.GetType().Name ?? "rejected"));
        var kid = (result.SecurityToken as JsonWebToken)?.Kid;
        var key = config.JsonWebKeySet?.Keys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal));
        if (key is not null && Endorsements(key) is { } endorsed && !string.IsNullOrEmpty(activity.ChannelId)
            && !endorsed.Contains(activity.ChannelId, StringComparer.OrdinalIgnoreCase))
            return ChannelAuthResult.Fail($"signing key is not endorsed for channel '{activity.ChannelId}'");
        var serviceUrl = result.Claims.TryGetValue("serviceurl", out var s) ? s as string : null;
        if (serviceUrl is null || !string.Equals(serviceUrl.TrimEnd('/'), activity.ServiceUrl?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            return ChannelAuthResult.Fail("serviceurl claim does not match the activity");
        return ChannelAuthResult.Success;
    }

    /// <summary>The channels a published key is endorsed for; null when the key lists none (no restriction).</summary>
    private static List<string>? Endorsements(JsonWebKey key)
    {
        if (!key.AdditionalData.TryGetValue("endorsements", out var value) || value is null) return null;
        return value switch
        {
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array } array =>
                array.EnumerateArray().Select(e => e.ToString()).ToList(),
            string single => [single],
            System.Collections.IEnumerable items => items.Cast<object?>().Select(i => i?.ToString() ?? "").ToList(),
            _ => [value.ToString() ?? ""],
        };
    }
}
