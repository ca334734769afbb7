using LegalBot.Channels.BotFramework;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LegalBot.Channels.Tests;

public sealed class AccessTokenCacheTests
{
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Concurrent_callers_share_one_fetch_refresh_before_expiry_and_invalidate_only_the_stale_token()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var issued = 0;
        var gate = new TaskCompletionSource();
        var cache = new AccessTokenCache(async _ =>
        {
            await gate.Task;
            return new AccessToken("T" + Interlocked.Increment(ref issued), TimeSpan.FromHours(2));
        }, time);

        var callers = Enumerable.Range(0, 50).Select(_ => cache.GetAsync(CancellationToken.None)).ToList();
        gate.SetResult();
        Assert.All(await Task.WhenAll(callers), t => Assert.Equal("T1", t));
        Assert.Equal(1, cache.Fetches);

        // 5 minutes before expiry the next caller refreshes.
        time.Now += TimeSpan.FromHours(2) - TimeSpan.FromMinutes(6);
        Assert.Equal("T1", await cache.GetAsync(CancellationToken.None));
        time.Now += TimeSpan.FromMinutes(2);
        Assert.Equal("T2", await cache.GetAsync(CancellationToken.None));

        // A late 40001 about an already replaced token does not throw away the new one.
        cache.Invalidate("T1");
        Assert.Equal("T2", await cache.GetAsync(CancellationToken.None));
        cache.Invalidate("T2");
        Assert.Equal("T3", await cache.GetAsync(CancellationToken.None));
        Assert.Equal(3, cache.Fetches);
    }

    [Fact]
    public async Task A_failed_fetch_is_reported_and_the_next_caller_tries_again()
    {
        var attempts = 0;
        var cache = new AccessTokenCache(_ => ++attempts == 1
            ? Task.FromException<AccessToken>(new HttpRequestException("down"))
            : Task.FromResult(new AccessToken("ok", TimeSpan.FromHours(1))), TimeProvider.System);
        await Assert.ThrowsAsync<HttpRequestException>(() => cache.GetAsync(CancellationToken.None));
        Assert.Equal("ok", await cache.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_connector_token_provider_posts_client_credentials_once_and_reuses_the_token()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        var calls = 0;
        app.MapPost("/token", async (HttpRequest r) =>
        {
            var form = await r.ReadFormAsync();
            Interlocked.Increment(ref calls);
            return form["grant_type"] == "client_credentials" && form["client_id"] == "app" && form["client_secret"] == "pw" && form["scope"] == "s/.default"
                ? Results.Json(new { access_token = "bf-token", expires_in = 3600, token_type = "Bearer" })
                : Results.BadRequest();
        });
        await app.StartAsync();
        var url = app.Urls.First() + "/token";
        using var http = new HttpClient();
        var provider = new ClientCredentialsTokenProvider(http, url, "app", "pw", "s/.default", TimeProvider.System);
        var tokens = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => provider.GetTokenAsync(CancellationToken.None)));
        Assert.All(tokens, t => Assert.Equal("bf-token", t));
        Assert.Equal(1, calls);
        await app.StopAsync();
    }
}
