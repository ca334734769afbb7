using LegalBot.Cases.Ratings;
using LegalBot.Channels.Publicity;
using LegalBot.Channels.Ratings;
using LegalBot.Conversation.Ratings;
using LegalBot.Conversation.State;

namespace LegalBot.Service.Hosting;

/// <summary>Pushes 好差评 requests of closed cases to WeChat and WeCom citizens inside the 48-hour window, once a minute.</summary>
public sealed partial class RatingPushDispatcher(IRatingStore ratings, IConversationStore conversations, WeChatSenders senders, TimeProvider time,
    ILogger<RatingPushDispatcher> log) : BackgroundService
{
    /// <summary>A request goes out within a minute of the case being closed; cheap when there is nothing to send.</summary>
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (senders.All.Count == 0) return;
        var push = new RatingPush(ratings, conversations, senders.All, time, WeeklyLessonPush.MaxWindow, RatingOptions.Default, log);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await push.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (sent > 0) LogSent(sent);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                LogFailed(ex.Message);
            }
            try { await Task.Delay(Every, time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    [LoggerMessage(LogLevel.Information, "rating request sent to {Count} citizen(s)")]
    private partial void LogSent(int count);

    [LoggerMessage(LogLevel.Warning, "rating request push failed: {Message}")]
    private partial void LogFailed(string message);
}
