namespace LegalBot.Channels;

/// <summary>An access_token and how long the platform says it lives.</summary>
public sealed record AccessToken(string Value, TimeSpan ExpiresIn);

/// <summary>
/// One access token per instance (WeChat, WeCom, the Bot Framework connector): fetched once, shared by every
/// request, refreshed a margin before it expires and when the API reports it invalid. Concurrent callers that
/// need a refresh share a single fetch (platforms rate-limit token calls, and a burst of refreshes would only
/// invalidate each other).
/// </summary>
public sealed class AccessTokenCache(Func<CancellationToken, Task<AccessToken>> fetch, TimeProvider time)
{
    private static readonly TimeSpan MaxMargin = TimeSpan.FromMinutes(5);
    private readonly Lock _gate = new();
    private (string Value, DateTimeOffset RefreshAt)? _current;
    private Task<string>? _refresh;
    private int _fetches;

    /// <summary>How many times a token was fetched (for tests and metrics).</summary>
    public int Fetches => Volatile.Read(ref _fetches);

    public Task<string> GetAsync(CancellationToken cancellationToken)
    {
        Task<string> refresh;
        lock (_gate)
        {
            if (_current is { } c && time.GetUtcNow() < c.RefreshAt) return Task.FromResult(c.Value);
            if (_refresh is null || _refresh.IsCompleted) _refresh = RefreshAsync();
            refresh = _refresh;
        }
        // The fetch itself is not cancelled by one caller giving up: others may be waiting on it.
        return refresh.WaitAsync(cancellationToken);
    }

    /// <summary>The API rejected <paramref name="stale"/> (40001/42001): forget it, unless another caller already replaced it.</summary>
    public void Invalidate(string stale)
    {
        lock (_gate)
        {
            if (_current is { } c && c.Value == stale) _current = null;
        }
    }

    private async Task<string> RefreshAsync()
    {
        Interlocked.Increment(ref _fetches);
        var token = await fetch(CancellationToken.None).ConfigureAwait(false);
        // Refresh a margin early (5 min, or a tenth of a short lifetime), so a request never carries a token that expires in flight.
        var margin = TimeSpan.FromTicks(Math.Min(MaxMargin.Ticks, token.ExpiresIn.Ticks / 10));
        lock (_gate) _current = (token.Value, time.GetUtcNow() + token.ExpiresIn - margin);
        return token.Value;
    }
}
