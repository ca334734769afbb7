using LegalBot.Conversation.State;

namespace LegalBot.Conversation.Questions;

/// <summary>Why a citizen's question is on the staff list.</summary>
public enum AskedKind
{
    /// <summary>The bot did not know (below the confidence threshold, or declined as out of scope).</summary>
    Unanswered,
    /// <summary>The bot asked back which of several matters was meant.</summary>
    Clarified,
    /// <summary>The citizen pressed 没帮助 on the answer.</summary>
    NotHelpful,
}

/// <summary>One logged question, as staff see it (masked when stored).</summary>
/// <param name="BestSource">The chunk the bot came closest with, if any.</param>
public sealed record AskedQuestion(string Question, AskedKind Kind, DateTimeOffset At, string? BestSource)
{
    public static AskedQuestion From(UnansweredQuestion q) =>
        new(q.Question, q.Clarified ? AskedKind.Clarified : AskedKind.Unanswered, q.CreatedAt, q.BestSource);

    public static AskedQuestion From(FeedbackRecord f) =>
        new(f.Question, AskedKind.NotHelpful, f.CreatedAt, f.Sources.Count > 0 ? f.Sources[0] : null);
}
