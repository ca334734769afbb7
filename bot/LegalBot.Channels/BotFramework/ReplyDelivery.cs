namespace LegalBot.Channels.BotFramework;

/// <summary>What became of a turn's replies.</summary>
public enum DeliveryOutcome
{
    /// <summary>The channel took them all.</summary>
    Delivered,
    /// <summary>The channel could not take them now; they wait in the outbox and will be retried.</summary>
    Queued,
    /// <summary>The channel refused them for good (a 4xx other than 408/429): retrying would not help.</summary>
    Refused,
}

/// <summary>
/// Sends a turn's replies to the channel's connector in order. What a channel cannot take now (down, 5xx, 429, timeout)
/// goes to the <see cref="ReplyOutbox"/> with everything after it, and a conversation with replies already waiting
/// queues new ones behind them, so the citizen gets every reply, in order, if late.
/// </summary>
public sealed class ReplyDelivery(ConnectorClient connector, ReplyOutbox outbox, TimeProvider time)
{
    /// <summary>The first retry waits this long; each further one twice as long, up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    /// <summary>A reply still undelivered this long after the citizen wrote is dropped (and logged): the moment has passed.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    public async Task<(DeliveryOutcome Outcome, string? Error)> DeliverAsync(string conversationKey, IReadOnlyList<Activity> replies,
        CancellationToken cancellationToken)
    {
        if (replies.Count == 0) return (DeliveryOutcome.Delivered, null);
        if (await outbox.HasPendingAsync(conversationKey, cancellationToken).ConfigureAwait(false))
        {
            await outbox.EnqueueAsync(conversationKey, replies, time.GetUtcNow(), time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            return (DeliveryOutcome.Queued, null);
        }
        for (var i = 0; i < replies.Count; i++)
        {
            try
            {
                await connector.ReplyAsync(replies[i], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                // The citizen's message was handled: its replies are kept even if the request is being cancelled.
                await outbox.EnqueueAsync(conversationKey, replies.Skip(i).ToList(), time.GetUtcNow() + FirstRetry, time.GetUtcNow(), CancellationToken.None)
                    .ConfigureAwait(false);
                return (DeliveryOutcome.Queued, ex.Message);
            }
            catch (HttpRequestException ex)
            {
                return (DeliveryOutcome.Refused, ex.Message);
            }
        }
        return (DeliveryOutcome.Delivered, null);
    }

    /// <summary>Worth retrying: no answer, a timeout, 408, 429 or a server error.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        TaskCanceledException or TimeoutException => true,
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || (int)status is 408 or 429,
        _ => false,
    };

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, FirstRetry.TotalSeconds * Math.Pow(2, Math.Min(attempts, 20))));
}
