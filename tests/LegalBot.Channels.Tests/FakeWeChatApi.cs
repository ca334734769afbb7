using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LegalBot.Channels.Tests;

/// <summary>A message the fake platform accepted through the customer-service (OA) or app-message (WeCom) API.</summary>
public sealed record SentMessage(string Api, string ToUser, string Content, string AccessToken, JsonObject Body);

/// <summary>
/// A local stand-in for api.weixin.qq.com and qyapi.weixin.qq.com over real HTTP: the token endpoints
/// (stable_token, gettoken) and the send endpoints, with the platform's JSON shapes and error codes.
/// A token can be expired on demand (the next send answers 42001 for it) to test refresh.
/// </summary>
public sealed class FakeWeChatApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SentMessage> _sent = new();
    private readonly ConcurrentDictionary<string, byte> _expired = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private string? _currentToken;
    private int _tokenCalls;
    private int _issued;

    private FakeWeChatApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";
    public int TokenCalls => Volatile.Read(ref _tokenCalls);
    public IReadOnlyList<SentMessage> Sent => [.. _sent];

    /// <summary>Delay before each send answers (a slow platform).</summary>
    public TimeSpan SendDelay { get; set; }

    public static async Task<FakeWeChatApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeWeChatApi(app);
        app.MapPost("/cgi-bin/stable_token", async (HttpRequest r) =>
        {
            var body = await JsonNode.ParseAsync(r.Body) as JsonObject;
            if (body?["grant_type"]?.GetValue<string>() != "client_credential" || body["appid"] is null || body["secret"] is null)
                return Results.Json(new { errcode = 40013, errmsg = "invalid appid" });
            return Results.Json(new { access_token = fake.Token(), expires_in = 7200 });
        });
        app.MapGet("/cgi-bin/gettoken", (string? corpid, string? corpsecret) =>
            string.IsNullOrEmpty(corpid) || string.IsNullOrEmpty(corpsecret)
                ? Results.Json(new { errcode = 40013, errmsg = "invalid corpid" })
                : Results.Json(new { errcode = 0, errmsg = "ok", access_token = fake.Token(), expires_in = 7200 }));
        app.MapPost("/cgi-bin/message/custom/send", (HttpRequest r) => fake.SendAsync("custom", r));
        app.MapPost("/cgi-bin/message/send", (HttpRequest r) => fake.SendAsync("wecom", r));
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()!.Addresses.First()
            : throw new InvalidOperationException("no server");
        return fake;
    }

    /// <summary>The current token stops working: sends with it get 42001 (access_token expired).</summary>
    public void ExpireCurrentToken()
    {
        lock (_gate)
        {
            if (_currentToken is { } t) _expired[t] = 0;
        }
    }

    /// <summary>Like stable_token's normal mode: the same token while it is valid, a new one once it expired.</summary>
    private string Token()
    {
        Interlocked.Increment(ref _tokenCalls);
        lock (_gate)
        {
            if (_currentToken is null || _expired.ContainsKey(_currentToken)) _currentToken = "TOKEN" + Interlocked.Increment(ref _issued);
            return _currentToken;
        }
    }

    private async Task<IResult> SendAsync(string api, HttpRequest request)
    {
        var token = request.Query["access_token"].ToString();
        if (SendDelay > TimeSpan.Zero) await Task.Delay(SendDelay);
        if (_expired.ContainsKey(token)) return Results.Json(new { errcode = 42001, errmsg = "access_token expired" });
        if (token != _currentToken) return Results.Json(new { errcode = 40001, errmsg = "invalid credential, access_token is invalid or not latest" });
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return Results.Json(new { errcode = 47001, errmsg = "data format error" });
        }
        if (body?["touser"]?.GetValue<string>() is not { Length: > 0 } to || body["msgtype"]?.GetValue<string>() != "text"
            || body["text"]?["content"]?.GetValue<string>() is not { } content)
            return Results.Json(new { errcode = 44002, errmsg = "empty post data" });
        if (System.Text.Encoding.UTF8.GetByteCount(content) > 2048) return Results.Json(new { errcode = 45002, errmsg = "content size out of limit" });
        if (api == "wecom" && body["agentid"] is null) return Results.Json(new { errcode = 40056, errmsg = "invalid agentid" });
        _sent.Enqueue(new SentMessage(api, to, content, token, body));
        return Results.Json(new { errcode = 0, errmsg = "ok" });
    }

    /// <summary>Waits until at least <paramref name="count"/> messages were sent (or the timeout passes).</summary>
    public async Task<IReadOnlyList<SentMessage>> WaitForSentAsync(int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (_sent.Count < count && DateTime.UtcNow < until) await Task.Delay(20);
        return Sent;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
