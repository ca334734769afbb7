using System.Threading.RateLimiting;
using LegalBot.Channels;

namespace LegalBot.Service.Hosting;

/// <summary>
/// Per-key token bucket: a burst of at least 10 messages (an intake dialog answered by buttons is quick), then one
/// message per 60/perMinute seconds, replenished continuously rather than once a minute.
/// </summary>
public sealed class TokenBucketRateGate(int perMinute) : IMessageRateGate, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(10, perMinute / 2),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public bool TryEnter(string key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
