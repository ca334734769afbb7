using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LegalBot.Channels.DirectLine;

/// <summary>What a token grants: one conversation, for one user, until it expires.</summary>
public sealed record TokenClaims(string ConversationId, string UserId, DateTimeOffset ExpiresAt);

/// <summary>
/// Direct Line tokens: <c>base64url(claims).base64url(HMAC-SHA256(key, claims))</c>. Unguessable without the
/// key, scoped to one conversation, and verifiable after a restart (the key is kept in the data directory).
/// </summary>
public sealed class DirectLineTokens(byte[] key, TimeProvider time, TimeSpan lifetime)
{
    public TimeSpan Lifetime { get; } = lifetime;

    /// <summary>Loads the signing key from <paramref name="path"/>, creating a random one on first use.</summary>
    public static async Task<byte[]> LoadOrCreateKeyAsync(string path, CancellationToken cancellationToken) =>
        (await LegalBot.Cases.Privacy.KeyFile.LoadOrCreateAsync(path, cancellationToken).ConfigureAwait(false)).Key;

    public string Issue(string conversationId, string userId)
    {
        var claims = new TokenClaims(conversationId, userId, time.GetUtcNow() + Lifetime);
        var payload = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(claims));
        return Base64Url(payload) + "." + Base64Url(HMACSHA256.HashData(key, payload));
    }

    /// <summary>The claims of a valid, unexpired token; null for anything else (malformed, forged, expired).</summary>
    public TokenClaims? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048) return null;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0) return null;
        try
        {
            var payload = FromBase64Url(token[..dot]);
            var signature = FromBase64Url(token[(dot + 1)..]);
            if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, payload))) return null;
            var claims = JsonSerializer.Deserialize<TokenClaims>(payload);
            return claims is null || claims.ExpiresAt <= time.GetUtcNow() ? null : claims;
        }
        catch (FormatException) { return null; }
        catch (JsonException) { return null; }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var b = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b + new string('=', (4 - b.Length % 4) % 4));
    }
}
