using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Publicity;

/// <summary>
/// A 普法 lesson (<c>kind: lesson</c>): a short lesson or 以案说法 story, the articles it teaches, who it is for, and
/// when it is most apt (a campaign, months of the year).
/// </summary>
/// <param name="Audience">Audience tags: 老年人, 农民工, 妇女, 青少年, 经营者, 村居干部 (empty: everyone).</param>
/// <param name="Campaign">The campaign (id or title) the lesson belongs to, if any.</param>
/// <param name="Months">Months (1–12) when the lesson is timely; empty for any time.</param>
/// <param name="Matters">Ids of the matters the lesson teaches about.</param>
/// <param name="Body">The lesson's Markdown text without its title line.</param>
public sealed record Lesson(string Id, string Title, IReadOnlyList<string> Audience, string? Campaign, IReadOnlyList<int> Months,
    IReadOnlyList<string> Matters, IReadOnlyList<ArticleReference> References, string Body, string SourcePath);

/// <summary>One quiz question: 3–4 options, the right one, and an explanation that cites the article.</summary>
/// <param name="Answer">Index of the right option (0 = A).</param>
public sealed record QuizQuestion(string Id, string QuizId, string Question, IReadOnlyList<string> Options, int Answer,
    string Explanation, IReadOnlyList<ArticleReference> References)
{
    public static string Letter(int index) => ((char)('A' + index)).ToString();
}

/// <summary>A quiz file (<c>kind: quiz</c>): questions of one domain, optionally tied to a campaign.</summary>
public sealed record Quiz(string Id, string Title, IReadOnlyList<string> Audience, string? Campaign, IReadOnlyList<QuizQuestion> Questions, string SourcePath);

/// <summary>
/// A yearly publicity campaign (<c>kind: campaign</c>): 宪法宣传周 12-01…12-07, 民法典宣传月 in May … Its lessons are the
/// ones it lists plus those whose <c>campaign</c> names it; its quiz questions likewise.
/// </summary>
/// <param name="Start">First day (month, day), every year.</param>
/// <param name="End">Last day (month, day); before <see cref="Start"/> when the campaign spans the new year.</param>
/// <param name="Intro">The campaign's own text (shown when a campaign lesson or quiz starts).</param>
public sealed record Campaign(string Id, string Title, (int Month, int Day) Start, (int Month, int Day) End,
    IReadOnlyList<string> Lessons, IReadOnlyList<string> Quizzes, string Intro, string SourcePath)
{
    public bool IsActive(DateOnly day)
    {
        var d = (day.Month, day.Day);
        bool OnOrAfter((int M, int D) a, (int M, int D) b) => a.M > b.M || (a.M == b.M && a.D >= b.D);
        return OnOrAfter(End, Start)
            ? OnOrAfter(d, Start) && OnOrAfter(End, d)
            : OnOrAfter(d, Start) || OnOrAfter(End, d);
    }

    /// <summary>Whether a lesson or quiz's <c>campaign</c> value names this campaign (by id or by title).</summary>
    public bool IsNamedBy(string? value) =>
        value is not null && (string.Equals(value, Id, StringComparison.Ordinal) || string.Equals(value, Title, StringComparison.Ordinal));
}
