using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace LegalBot.Channels.BotFramework;

/// <summary>Bot → connector token (OAuth client credentials), cached until shortly before it expires.</summary>
public sealed class ClientCredentialsTokenProvider : IConnectorTokenProvider
{
    private readonly HttpClient _http;
    private readonly string _tokenUrl;
    private readonly Dictionary<string, string> _form;
    private readonly AccessTokenCache _tokens;

    public ClientCredentialsTokenProvider(HttpClient http, string tokenUrl, string appId, string appPassword, string scope, TimeProvider time)
    {
        _http = http;
        _tokenUrl = tokenUrl;
        _form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = appId,
            ["client_secret"] = appPassword,
            ["scope"] = scope,
        };
        _tokens = new AccessTokenCache(FetchAsync, time);
    }

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken) => await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);

    private async Task<AccessToken> FetchAsync(CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(_form);
        using var response = await _http.PostAsync(_tokenUrl, form, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("empty token response");
        return new AccessToken(body.AccessToken, TimeSpan.FromSeconds(body.ExpiresIn));
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken, [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
