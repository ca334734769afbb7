using LegalBot.Cases.Statistics;

namespace LegalBot.Cases.Ratings;

/// <summary>Where the optional comment after a rating stands.</summary>
public enum CommentState
{
    /// <summary>Not rated yet.</summary>
    NotAsked,
    /// <summary>Rated; the next message may be the comment (or 跳过).</summary>
    Awaiting,
    Done,
}

/// <summary>The office's follow-up of a 不满意 / 非常不满意 rating: 待回访 → 已回访 → 已整改.</summary>
public enum FollowUpStatus
{
    Pending,
    Visited,
    Rectified,
}

/// <summary>
/// The 好差评 of one closed case: asked of the citizen in the conversation that filed it, answered once.
/// </summary>
/// <param name="ShownAt">When the request last reached the citizen (at a visit, or pushed); null until then.</param>
/// <param name="Comment">Null when skipped, not yet given, or purged with the case.</param>
public sealed record CaseRating(
    string Reference,
    CaseKind Kind,
    string OfficeId,
    string OfficeName,
    string ConversationId,
    string Channel,
    DateTimeOffset RequestedAt,
    DateTimeOffset? ShownAt,
    RatingLevel? Level,
    DateTimeOffset? RatedAt,
    string? Comment,
    CommentState CommentState,
    FollowUpStatus? FollowUp,
    string? FollowUpNote,
    string? FollowUpBy,
    DateTimeOffset? FollowUpAt)
{
    /// <summary>不满意 and 非常不满意 are flagged to the office for a follow-up.</summary>
    public bool Dissatisfied => Level is RatingLevel.Dissatisfied or RatingLevel.VeryDissatisfied;
}

/// <summary>Which rated cases to list; null members do not filter.</summary>
public sealed record RatingQuery(string? OfficeId = null, DateTimeOffset? From = null, DateTimeOffset? To = null, bool DissatisfiedOnly = false, int Limit = 500);

/// <summary>A rating operation that does not fit the rating's state (unknown case, not dissatisfied).</summary>
public sealed class RatingUpdateException(string message) : Exception(message);

public static class RatingNames
{
    public static bool TryParseLevel(string? wire, out RatingLevel level)
    {
        foreach (var l in Enum.GetValues<RatingLevel>())
            if (string.Equals(l.ToWire(), wire, StringComparison.OrdinalIgnoreCase)) { level = l; return true; }
        level = default;
        return false;
    }

    public static string ToWire(this FollowUpStatus status) => status switch
    {
        FollowUpStatus.Pending => "pending",
        FollowUpStatus.Visited => "visited",
        _ => "rectified",
    };

    public static bool TryParseFollowUp(string? wire, out FollowUpStatus status)
    {
        foreach (var s in Enum.GetValues<FollowUpStatus>())
            if (string.Equals(s.ToWire(), wire, StringComparison.OrdinalIgnoreCase)) { status = s; return true; }
        status = default;
        return false;
    }
}
