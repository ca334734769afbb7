using System.ComponentModel.DataAnnotations;
using LegalBot.Channels.Publicity;
using LegalBot.Conversation.State;
using Microsoft.Extensions.Options;

namespace LegalBot.Service.Hosting;

/// <summary><c>Publicity__*</c>: the quiz length and the weekly lesson's rhythm.</summary>
public sealed class PublicityServiceOptions
{
    public const string Section = "Publicity";

    [Range(3, 10)] public int QuizQuestions { get; set; } = 5;

    /// <summary>Days between two weekly lessons to one subscriber.</summary>
    [Range(1, 31)] public double LessonEveryDays { get; set; } = 7;

    /// <summary>Hours after a WeChat/WeCom user's last message in which a lesson may be pushed (WeChat allows at most 48).</summary>
    [Range(0.001, 48)] public double PushWindowHours { get; set; } = 48;

    /// <summary>How often due subscribers are looked for.</summary>
    [Range(1, 86400)] public int CheckEverySeconds { get; set; } = 600;
}

/// <summary>Runs the weekly-lesson push for WeChat and WeCom subscribers on a timer.</summary>
public sealed partial class PublicityDispatcher(DataStores stores, IConversationStore conversations, KnowledgeHost knowledge, WeChatSenders senders,
    IOptions<PublicityServiceOptions> options, TimeProvider time, ILogger<PublicityDispatcher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (senders.All.Count == 0) return;
        var o = options.Value;
        var push = new WeeklyLessonPush(stores.Publicity, conversations, () => knowledge.View, senders.All, time,
            TimeSpan.FromDays(o.LessonEveryDays), TimeSpan.FromHours(o.PushWindowHours), log);
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
            try { await Task.Delay(TimeSpan.FromSeconds(o.CheckEverySeconds), time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    [LoggerMessage(LogLevel.Information, "weekly lesson sent to {Count} subscriber(s)")]
    private partial void LogSent(int count);

    [LoggerMessage(LogLevel.Warning, "weekly lesson push failed: {Message}")]
    private partial void LogFailed(string message);
}
