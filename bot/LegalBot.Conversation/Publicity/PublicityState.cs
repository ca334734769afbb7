namespace LegalBot.Conversation.Publicity;

/// <summary>What a conversation remembers of 普法: what it read and was asked, the quiz in progress, a leaderboard sign-up, the subscription.</summary>
/// <param name="LessonsRead">Lesson ids read, newest last (capped), so 再来一课 gives a new one.</param>
/// <param name="QuestionsAsked">Quiz question ids asked, newest last (capped), so a new quiz asks new questions.</param>
/// <param name="Town">The town the citizen gave for a leaderboard (figures by town).</param>
/// <param name="Nickname">The nickname the citizen gave for a leaderboard.</param>
public sealed record PublicityState(
    IReadOnlyList<string> LessonsRead,
    IReadOnlyList<string> QuestionsAsked,
    QuizSession? Quiz = null,
    LeaderboardSignup? Signup = null,
    string? Town = null,
    string? Nickname = null,
    WeeklySubscription? Subscription = null)
{
    public const int Remembered = 60;
    public static readonly PublicityState Empty = new([], []);

    public PublicityState Read(string lessonId) => this with { LessonsRead = Append(LessonsRead, lessonId) };

    public PublicityState Asked(IEnumerable<string> questionIds) =>
        this with { QuestionsAsked = questionIds.Aggregate(QuestionsAsked, Append) };

    private static IReadOnlyList<string> Append(IReadOnlyList<string> list, string id) =>
        [.. list.Where(x => x != id).TakeLast(Remembered - 1), id];
}

/// <summary>A quiz in progress: its questions, which one is current, and how many were right so far.</summary>
/// <param name="Paused">The citizen asked something else; 继续答题 asks the current question again.</param>
public sealed record QuizSession(IReadOnlyList<string> Questions, int Index, int Correct, string? CampaignId, DateTimeOffset StartedAt, bool Paused = false)
{
    public string Current => Questions[Index];
}

/// <summary>
/// A finished campaign quiz whose score may go on the town leaderboard. Offered until the citizen chooses 参加排行榜;
/// then <see cref="Started"/>, waiting for the nickname and then the town.
/// </summary>
public sealed record LeaderboardSignup(long ResultId, string CampaignId, bool Started = false, string? Nickname = null);

/// <summary>The citizen opted in to a weekly lesson at <see cref="Since"/>; <see cref="LastLessonAt"/> is when one was last given.</summary>
public sealed record WeeklySubscription(DateTimeOffset Since, DateTimeOffset? LastLessonAt);
