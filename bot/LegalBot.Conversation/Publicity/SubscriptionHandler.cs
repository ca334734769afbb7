using LegalBot.Conversation.Pipeline;

namespace LegalBot.Conversation.Publicity;

/// <summary>
/// 订阅每周普法 / 退订: records consent (and its withdrawal) to the weekly lesson. On every other message from a
/// subscriber it notes that they wrote, which keeps WeChat's 48-hour customer-service window open for the push.
/// </summary>
public sealed class SubscriptionHandler(PublicityOptions options) : ITurnHandler
{
    public async ValueTask<bool> HandleAsync(TurnContext turn, CancellationToken cancellationToken)
    {
        if (options.Store is not { } store) return false;
        var publicity = turn.State.Publicity ?? PublicityState.Empty;
        var channel = turn.Message.Channel;
        if (!turn.Crisis.IsEmergency && PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.SubscribeCommands))
        {
            if (publicity.Subscription is not null)
            {
                await store.TouchAsync(turn.Message.UserId, turn.Now, cancellationToken).ConfigureAwait(false);
                turn.Replies.Add(PublicityReplies.Simple(PublicityTexts.AlreadySubscribed, PublicityTexts.TodayLesson));
                return true;
            }
            await store.SubscribeAsync(new Subscriber(turn.Message.UserId, turn.Message.ConversationId, channel, turn.Now, turn.Now), cancellationToken).ConfigureAwait(false);
            turn.State = turn.State with { Publicity = publicity with { Subscription = new WeeklySubscription(turn.Now, null) } };
            turn.Replies.Add(PublicityReplies.Simple(PublicityOptions.PushChannels.Contains(channel) ? PublicityTexts.SubscribedWeChat : PublicityTexts.Subscribed,
                PublicityTexts.TodayLesson));
            return true;
        }
        if (PublicityReplies.IsCommand(turn.Normalized, PublicityTexts.UnsubscribeCommands))
        {
            var was = await store.UnsubscribeAsync(turn.Message.UserId, turn.Now, cancellationToken).ConfigureAwait(false);
            turn.State = turn.State with { Publicity = publicity with { Subscription = null } };
            turn.Replies.Add(PublicityReplies.Simple(was || publicity.Subscription is not null ? PublicityTexts.Unsubscribed : PublicityTexts.NotSubscribed));
            return true;
        }
        // WeChat users are touched even when this conversation's state forgot the subscription (state is purged sooner than consent).
        if (publicity.Subscription is not null || PublicityOptions.PushChannels.Contains(channel))
            await store.TouchAsync(turn.Message.UserId, turn.Now, cancellationToken).ConfigureAwait(false);
        return false;
    }
}
