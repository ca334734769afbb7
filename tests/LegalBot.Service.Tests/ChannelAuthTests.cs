using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LegalBot.Service.Tests;

/// <summary>
/// With a Microsoft App ID configured, /api/messages accepts only channel JWTs signed by a key from the
/// configured OpenID metadata, for this app, from the activity's serviceUrl. Keys are generated locally and
/// published by a local metadata server.
/// </summary>
public sealed class ChannelAuthTests : IAsyncLifetime
{
    private const string AppId = "app-123";
    private const string Issuer = "https://api.botframework.com";
    private const string ServiceUrl = "http://127.0.0.1:9/";
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly ServiceWorkspace _workspace = new();
    private FakeChannel _metadata = null!;
    private ServiceProcess _service = null!;

    public async Task InitializeAsync()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.ExportParameters(false)) { KeyId = "k1" });
        _metadata = await FakeChannel.StartAsync(app =>
        {
            app.MapGet("/.well-known/openidconfiguration", (HttpRequest r) => Results.Json(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = $"{r.Scheme}://{r.Host}/keys",
                ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            }));
            app.MapGet("/keys", () => Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", kid = "k1", n = jwk.N, e = jwk.E, endorsements = new[] { "emulator" } } } }));
        });
        _service = await ServiceProcess.StartAsync(_workspace.Knowledge, _workspace.Data, new Dictionary<string, string>
        {
            ["Bot__MicrosoftAppId"] = AppId,
            ["Bot__MicrosoftAppPassword"] = "not-used-with-expectReplies",
            ["Bot__OpenIdMetadataUrl"] = _metadata.Url + ".well-known/openidconfiguration",
            // The test channel lives on loopback; real deployments keep the Azure Bot Service domains.
            ["Bot__ChannelDomains__0"] = "127.0.0.1",
        });
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _metadata.DisposeAsync();
        _workspace.Dispose();
        _key.Dispose();
        _otherKey.Dispose();
    }

    private static string Token(RSA key, string audience = AppId, string serviceUrl = ServiceUrl, DateTime? expires = null, string issuer = Issuer)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = expiry.AddMinutes(-20),
            Expires = expiry,
            IssuedAt = expiry.AddMinutes(-20),
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl)]),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        });
    }

    private async Task<HttpStatusCode> PostAsync(string? token, string channelId = "emulator", string serviceUrl = ServiceUrl, string type = "message")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/messages")
        {
            Content = JsonContent.Create(new
            {
                type, id = "a1", channelId, serviceUrl, deliveryMode = "expectReplies", text = "离婚要带什么材料",
                from = new { id = "u1" }, recipient = new { id = "bot" }, conversation = new { id = "c1" },
            }),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _service.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_valid_channel_token_is_accepted() => Assert.Equal(HttpStatusCode.OK, await PostAsync(Token(_key)));

    [Fact]
    public async Task Missing_token_is_rejected() => Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(null));

    [Fact]
    public async Task Another_apps_token_is_rejected() => Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(_key, audience: "someone-else")));

    [Fact]
    public async Task A_token_for_another_service_url_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(_key, serviceUrl: "https://evil.example/")));

    [Fact]
    public async Task An_expired_token_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(_key, expires: DateTime.UtcNow.AddMinutes(-10))));

    [Fact]
    public async Task A_token_signed_with_an_unpublished_key_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(_otherKey)));

    [Fact]
    public async Task A_token_from_another_issuer_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(_key, issuer: "https://sts.example/")));

    [Fact]
    public async Task A_key_endorsed_only_for_another_channel_is_rejected() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(_key), channelId: "msteams"));

    [Fact]
    public async Task A_service_url_outside_the_channel_domains_is_rejected_even_with_a_matching_claim() =>
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Token(_key, serviceUrl: "http://10.0.0.5:8080/"), serviceUrl: "http://10.0.0.5:8080/"));

    [Fact]
    public async Task An_invoke_gets_an_invoke_response() =>
        Assert.Equal(HttpStatusCode.OK, await PostAsync(Token(_key), type: "invoke"));
}
