namespace LegalBot.Conversation.Publicity;

/// <summary>What 普法 needs beyond the knowledge folder: where results go, how long a quiz is, how often the weekly lesson comes.</summary>
/// <param name="Store">Lessons read, quiz results, leaderboards and consent; null keeps nothing (evaluation runs).</param>
public sealed record PublicityOptions(IPublicityStore? Store = null, int QuizLength = 5, TimeSpan? WeeklyPeriod = null)
{
    public TimeSpan Period => WeeklyPeriod ?? TimeSpan.FromDays(7);

    /// <summary>Channels that push the weekly lesson themselves (customer-service / app messages); the others show it at the next visit.</summary>
    public static readonly IReadOnlyList<string> PushChannels = ["wechat", "wecom"];

    public static PublicityOptions None { get; } = new(Store: null);
}
