using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LegalBot.Service.Tests;

/// <summary>A local HTTP server playing a Bot Framework channel's connector (and, when asked, its OpenID metadata).</summary>
internal sealed class FakeChannel : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeChannel(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }
    public ConcurrentQueue<(string Path, JsonElement Body)> Received { get; } = new();

    /// <summary>Replies posted to it so far, refused ones included.</summary>
    public int Requests => _requests;
    private int _requests;

    /// <param name="failFirst">The first this many replies get 503, as a channel that is down for a moment.</param>
    /// <param name="port">A fixed port (a channel coming back where it was); default any free one.</param>
    public static async Task<FakeChannel> StartAsync(Action<WebApplication>? extra = null, int failFirst = 0, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeChannel? channel = null;
        app.MapPost("/v3/conversations/{conversation}/activities/{replyTo}", async (HttpRequest r) =>
        {
            if (Interlocked.Increment(ref channel!._requests) <= failFirst) return Results.StatusCode(503);
            var body = await JsonSerializer.DeserializeAsync<JsonElement>(r.Body);
            channel!.Received.Enqueue((r.Path.Value!, body));
            return Results.Json(new { id = "reply-1" });
        });
        extra?.Invoke(app);
        await app.StartAsync();
        channel = new FakeChannel(app, app.Urls.First() + "/");
        return channel;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
