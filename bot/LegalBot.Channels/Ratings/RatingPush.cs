using LegalBot.Cases.Ratings;
using LegalBot.Channels.WeChat;
using LegalBot.Conversation.Ratings;
using LegalBot.Conversation.State;
using Microsoft.Extensions.Logging;

namespace LegalBot.Channels.Ratings;

/// <summary>
/// Sends the 好差评 request of a just-closed case to WeChat and WeCom citizens through the platform API, while the
/// customer-service window is open (48 hours after the citizen's last message). Outside the window, or in the middle
/// of an intake dialog, nothing is sent: <see cref="RatingHandler"/> shows the request at the next visit. Each request
/// is claimed in the store before it is sent, so of several instances only one sends it, and it is sent once.
/// </summary>
public sealed partial class RatingPush(IRatingStore ratings, IConversationStore conversations, IReadOnlyDictionary<string, IWeChatSender> senders,
    TimeProvider time, TimeSpan window, RatingOptions options, ILogger log)
{
    public const int BatchSize = 200;

    /// <returns>Requests sent.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var (channel, sender) in senders)
        {
            var now = time.GetUtcNow();
            // A little margin inside the window: the send must arrive before it closes.
            var seenSince = now - window + TimeSpan.FromMinutes(1);
            foreach (var rating in await ratings.UnshownAsync(channel, now - options.Pending, BatchSize, cancellationToken).ConfigureAwait(false))
            {
                var state = await conversations.GetStateAsync(rating.ConversationId, cancellationToken).ConfigureAwait(false);
                if (state is null || state.UpdatedAt < seenSince || state.Dialog is not null) continue;
                if (!await ratings.ClaimPushAsync(rating.Reference, now, cancellationToken).ConfigureAwait(false)) continue;
                if (!await SendAsync(rating, channel, sender, cancellationToken).ConfigureAwait(false)) continue;
                // The citizen answers "2" to the pushed message: number the request's levels as the last offer (keeping
                // UpdatedAt, so the window still follows the citizen's own messages).
                await conversations.SaveStateAsync(state with { Offered = NumberedOptions.Offered([RatingHandler.Request(rating.Reference)]) },
                    cancellationToken).ConfigureAwait(false);
                sent++;
            }
        }
        return sent;
    }

    private async Task<bool> SendAsync(CaseRating rating, string channel, IWeChatSender sender, CancellationToken cancellationToken)
    {
        var failure = await WeChatPush.SendAsync(sender, WeChatPush.PlatformUser(rating.ConversationId, channel), [RatingHandler.Request(rating.Reference)],
            cancellationToken).ConfigureAwait(false);
        // Claimed as shown even when it failed: the visit handler shows it again after RatingOptions.Reshow, so it is not lost.
        if (failure is not null) LogSendFailed(log, channel, failure);
        return failure is null;
    }

    [LoggerMessage(LogLevel.Warning, "rating request to a {Channel} citizen failed (shown again at the next visit): {Message}")]
    private static partial void LogSendFailed(ILogger log, string channel, string message);
}
