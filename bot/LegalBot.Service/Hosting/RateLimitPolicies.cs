using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary>
/// ASP.NET Core rate limiting for what costs the server something per request: minting web chat tokens and
/// starting conversations, per client address (forwarded only from known proxies, see <see cref="ClientAddress"/>).
/// </summary>
public static class RateLimitPolicies
{
    public const string ConversationStart = "conversation-start";

    public static IServiceCollection AddLegalBotRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await context.HttpContext.Response.WriteAsJsonAsync(new { error = "too many conversations from this address, try again in a minute" }, ct);
            };
            o.AddPolicy(ConversationStart, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.ConversationsPerMinutePerClient;
                return RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Of(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(5, perMinute / 2),
                    TokensPerPeriod = 1,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1) / perMinute,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
        });
        return services;
    }
}
