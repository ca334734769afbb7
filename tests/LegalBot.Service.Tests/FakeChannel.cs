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

    public static async Task<FakeChannel> StartAsync(Action<WebApplication>? extra = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeChannel? channel = null;
        app.MapPost("/v3/conversations/{conversation}/activities/{replyTo}", async (HttpRequest r) =>
        {
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
