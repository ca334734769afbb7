using System.Security.Cryptography;
using System.Text;
using LegalBot.Conversation.Answering;
using LegalBot.Conversation.Pipeline;
using LegalBot.Conversation.Routing;
using LegalBot.Knowledge;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Publicity;
using LegalBot.Knowledge.Text;

namespace LegalBot.Conversation.Publicity;

/// <summary>How lessons, quiz questions and scores are put into replies; shared by the handlers and the weekly push.</summary>
public static class PublicityReplies
{
    /// <summary>A lesson: its title and text, the first article quoted from the folder's statute, every article cited.</summary>
    public static OutboundReply Lesson(KnowledgeView knowledge, Lesson lesson, DateOnly day, bool weekly, bool subscribed)
    {
        var notes = new List<string>();
        foreach (var campaign in knowledge.Publicity.ActiveCampaigns(day).Take(1)) notes.Add(PublicityTexts.CampaignLine(campaign.Title));
        List<SuggestedAction> actions = [new(PublicityTexts.Quiz, PublicityTexts.Quiz), new(PublicityTexts.AnotherLesson, PublicityTexts.AnotherLesson)];
        if (!subscribed) actions.Add(new(PublicityTexts.Subscribe, PublicityTexts.Subscribe));
        var lead = (weekly ? PublicityTexts.WeeklyLessonLead(lesson.Title) : PublicityTexts.LessonLead(lesson.Title)) + "\n" + lesson.Body;
        return new OutboundReply(ReplyKind.Lesson, Routes.Publicity, lead, Quote(knowledge, lesson.References), Cite(knowledge, lesson.References),
            notes, actions, [], 1.0, null);
    }

    /// <summary>One question with its options as buttons (numbered on text channels); the value sent is the option's letter.</summary>
    public static OutboundReply Question(QuizQuestion question, int number, int count) =>
        new(ReplyKind.Quiz, Routes.Publicity, PublicityTexts.QuestionLead(number, count, question.Question), null, [], [PublicityTexts.AnswerHint],
            question.Options.Select((o, i) => new SuggestedAction(QuizQuestion.Letter(i) + ". " + o, QuizQuestion.Letter(i))).ToList(), [], 1.0, null);

    /// <summary>Right or wrong, the explanation, and the article it rests on.</summary>
    public static OutboundReply Feedback(KnowledgeView knowledge, QuizQuestion question, bool right)
    {
        var letter = QuizQuestion.Letter(question.Answer);
        var lead = (right ? PublicityTexts.Right(letter) : PublicityTexts.Wrong(letter, question.Options[question.Answer])) + "\n" + question.Explanation;
        return new OutboundReply(ReplyKind.Quiz, Routes.Publicity, lead, Quote(knowledge, question.References), Cite(knowledge, question.References),
            [], [], [], 1.0, null);
    }

    public static OutboundReply Simple(string lead, params string[] actions) =>
        Replies.Simple(ReplyKind.Quiz, Routes.Publicity, lead, actions.Select(a => new SuggestedAction(a, a)).ToList());

    /// <summary>Which option a reply names: its letter (A, 选b, 答案是C), or its text; null when it is not an answer.</summary>
    public static int? ChosenOption(string normalized, QuizQuestion question)
    {
        var s = normalized;
        foreach (var prefix in (string[])["我选", "选择", "选", "答案是", "答案", "是"])
            if (s.StartsWith(prefix, StringComparison.Ordinal)) { s = s[prefix.Length..]; break; }
        if (s.Length == 1 && s[0] >= 'a' && s[0] < 'a' + question.Options.Count) return s[0] - 'a';
        for (var i = 0; i < question.Options.Count; i++)
            if (TextNormalizer.Normalize(question.Options[i]) == normalized) return i;
        return null;
    }

    /// <summary>Whether the message is one of the commands (compared as the index normalises text).</summary>
    public static bool IsCommand(string normalized, IReadOnlyList<string> commands) =>
        normalized.Length > 0 && commands.Any(c => TextNormalizer.Normalize(c) == normalized);

    /// <summary>A one-way digest of the user: counts participants without keeping who they are.</summary>
    public static string Participant(string userId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("publicity:" + userId)))[..20];

    public static DateOnly ChinaDay(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static string? Quote(KnowledgeView knowledge, IReadOnlyList<ArticleReference> references) =>
        references.Select(r => AnswerComposer.Quote(knowledge, r)).FirstOrDefault(q => q is not null);

    private static List<Citation> Cite(KnowledgeView knowledge, IReadOnlyList<ArticleReference> references) =>
        references.Select(r => knowledge.Statutes.Article(r) is { } hit ? Citation.Of(hit) : new Citation(r.Law, r.Article, null, r.ToString())).ToList();
}
