using LegalBot.Channels.WeChat;
using LegalBot.Conversation.Publicity;
using LegalBot.Conversation.State;
using LegalBot.Knowledge;
using Microsoft.Extensions.Logging;

namespace LegalBot.Channels.Publicity;

/// <summary>
/// Sends the weekly lesson to WeChat and WeCom subscribers through the platform API (customer-service and app
/// messages). Only to a citizen who wrote within the window (WeChat allows customer-service messages for 48 hours
/// after the user's last message, never outside it), once a week, claimed in the store so that of several instances
/// only one sends. A failed send is logged and not retried until next week: a lesson is never sent twice.
/// </summary>
public sealed partial class WeeklyLessonPush(IPublicityStore store, IConversationStore conversations, Func<KnowledgeView> knowledge,
    IReadOnlyDictionary<string, IWeChatSender> senders, TimeProvider time, TimeSpan period, TimeSpan window, ILogger log)
{
    /// <summary>WeChat's customer-service window after the user's last message.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(48);

    public const int BatchSize = 200;

    /// <returns>Lessons sent.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var (channel, sender) in senders)
        {
            var now = time.GetUtcNow();
            // A little margin inside the window: the send must arrive before it closes.
            var seenSince = now - window + TimeSpan.FromMinutes(1);
            foreach (var subscriber in await store.DueAsync(channel, now - period, seenSince, BatchSize, cancellationToken).ConfigureAwait(false))
            {
                if (!await store.ClaimDeliveryAsync(subscriber.UserId, now - period, now, cancellationToken).ConfigureAwait(false)) continue;
                if (await SendAsync(subscriber, channel, sender, now, cancellationToken).ConfigureAwait(false)) sent++;
            }
        }
        return sent;
    }

    private async Task<bool> SendAsync(Subscriber subscriber, string channel, IWeChatSender sender, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var view = knowledge();
        var state = await conversations.GetStateAsync(subscriber.ConversationId, cancellationToken).ConfigureAwait(false)
            ?? ConversationState.New(subscriber.ConversationId, now);
        var publicity = state.Publicity ?? PublicityState.Empty;
        var day = PublicityReplies.ChinaDay(now);
        if (view.Publicity.PickLesson(day, state.LastDocumentId, publicity.LessonsRead) is not { } lesson) return false;
        var reply = PublicityReplies.Lesson(view, lesson, day, weekly: true, subscribed: true);
        if (await WeChatPush.SendAsync(sender, WeChatPush.PlatformUser(subscriber.UserId, channel), [reply], cancellationToken).ConfigureAwait(false) is { } failure)
        {
            LogSendFailed(log, channel, failure);
            return false;
        }
        var subscription = publicity.Subscription ?? new WeeklySubscription(subscriber.ConsentAt, null);
        await conversations.SaveStateAsync(state with { Publicity = publicity.Read(lesson.Id) with { Subscription = subscription with { LastLessonAt = now } } },
            cancellationToken).ConfigureAwait(false);
        await LessonRecords.RecordAsync(new PublicityOptions(store), view, lesson, channel, publicity.Town, now, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(LogLevel.Warning, "weekly lesson to a {Channel} subscriber failed (next try next week): {Message}")]
    private static partial void LogSendFailed(ILogger log, string channel, string message);
}
