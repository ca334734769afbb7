using System.Threading.RateLimiting;
using LegalBot.Channels.DirectLine;

namespace LegalBot.Service.Hosting;

/// <summary>Per-user token bucket: a burst of a few messages, then the configured rate per minute.</summary>
public sealed class TokenBucketRateGate(int perMinute) : IMessageRateGate, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetTokenBucketLimiter(user, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(5, perMinute / 4),
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public bool TryEnter(string userId)
    {
        using var lease = _limiter.AttemptAcquire(userId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
