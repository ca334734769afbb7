using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace LegalBot.Channels.BotFramework;

/// <summary>Bot → connector token (OAuth client credentials), cached until shortly before it expires.</summary>
public sealed class ClientCredentialsTokenProvider(HttpClient http, string tokenUrl, string appId, string appPassword, string scope, TimeProvider time)
    : IConnectorTokenProvider, IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private (string Token, DateTimeOffset ExpiresAt)? _cached;

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } c && c.ExpiresAt > time.GetUtcNow()) return c.Token;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } again && again.ExpiresAt > time.GetUtcNow()) return again.Token;
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = appId,
                ["client_secret"] = appPassword,
                ["scope"] = scope,
            });
            using var response = await http.PostAsync(tokenUrl, form, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("empty token response");
            _cached = (body.AccessToken, time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(60, body.ExpiresIn - 300)));
            return body.AccessToken;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken, [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
