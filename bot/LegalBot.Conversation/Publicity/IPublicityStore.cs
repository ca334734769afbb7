namespace LegalBot.Conversation.Publicity;

/// <summary>A lesson given to a citizen (今日普法, weekly), for the publicity figures.</summary>
public sealed record LessonRead(string LessonId, string Channel, string? CampaignId, string? Town, DateTimeOffset At);

/// <summary>
/// A finished quiz. <see cref="Participant"/> is a one-way digest of the conversation's user, so participants can be
/// counted without keeping who they are; nickname and town only when the citizen chose to join a leaderboard.
/// </summary>
public sealed record QuizResult(string Participant, string Channel, string? CampaignId, int Correct, int Total, DateTimeOffset At,
    string? Nickname = null, string? Town = null);

/// <summary>A question answered from a matter, for 精准普法: which everyday problems a town asks about (no text, no person).</summary>
public sealed record MatterAsked(string MatterId, string Channel, string? Town, DateTimeOffset At);

/// <summary>How often a matter was asked in a town ("" = town not known) in a period.</summary>
public sealed record MatterDemand(string Town, string MatterId, int Asked);

/// <summary>A town's line on a campaign leaderboard.</summary>
public sealed record LeaderboardRow(string Town, int Participants, double AverageScore, string TopNickname, int TopScore);

/// <summary>Publicity figures for a period, by town and by campaign ("" = no town given / no campaign).</summary>
public sealed record PublicityFigures(int LessonsRead, int QuizzesTaken, int Participants, double AverageScore,
    IReadOnlyList<PublicityFigureRow> ByTown, IReadOnlyList<PublicityFigureRow> ByCampaign);

public sealed record PublicityFigureRow(string Key, int LessonsRead, int QuizzesTaken, int Participants, double AverageScore);

/// <summary>
/// A citizen who opted in to the weekly lesson. <see cref="UserId"/> is the channel's user key (wechat:openid);
/// <see cref="LastSeenAt"/> is their last message, which bounds WeChat's 48-hour customer-service window.
/// </summary>
public sealed record Subscriber(string UserId, string ConversationId, string Channel, DateTimeOffset ConsentAt, DateTimeOffset LastSeenAt,
    DateTimeOffset? LastSentAt = null);

/// <summary>Persistence for 普法: lessons read, quiz results and leaderboards, weekly-lesson consent. Survives restarts.</summary>
public interface IPublicityStore
{
    Task RecordLessonAsync(LessonRead read, CancellationToken cancellationToken);

    /// <returns>The result's id (for joining a leaderboard afterwards).</returns>
    Task<long> RecordQuizAsync(QuizResult result, CancellationToken cancellationToken);

    /// <summary>Puts a result on its campaign's leaderboard under a nickname and town.</summary>
    Task JoinLeaderboardAsync(long resultId, string nickname, string town, CancellationToken cancellationToken);

    Task<IReadOnlyList<LeaderboardRow>> LeaderboardAsync(string campaignId, int limit, CancellationToken cancellationToken);

    Task RecordMatterAskedAsync(MatterAsked asked, CancellationToken cancellationToken);

    /// <summary>Matters asked in the period, by town and matter, most asked first.</summary>
    Task<IReadOnlyList<MatterDemand>> MattersAskedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    Task<PublicityFigures> FiguresAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Records consent (with its time) to the weekly lesson; a repeated opt-in keeps the first consent.</summary>
    Task SubscribeAsync(Subscriber subscriber, CancellationToken cancellationToken);

    /// <summary>Records the opt-out; nothing is sent after it. False when the user was not subscribed.</summary>
    Task<bool> UnsubscribeAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The subscriber wrote to us (opens WeChat's window again).</summary>
    Task TouchAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Subscribers on <paramref name="channel"/> last sent a lesson at or before <paramref name="sentBefore"/> (or never) and seen since <paramref name="seenSince"/>.</summary>
    Task<IReadOnlyList<Subscriber>> DueAsync(string channel, DateTimeOffset sentBefore, DateTimeOffset seenSince, int limit, CancellationToken cancellationToken);

    /// <summary>Claims this week's lesson for one subscriber (one instance wins); false when another claimed it or they opted out.</summary>
    Task<bool> ClaimDeliveryAsync(string userId, DateTimeOffset sentBefore, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes lesson reads, matters asked and quiz results older than <paramref name="cutoff"/> (consent records are kept).</summary>
    Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
