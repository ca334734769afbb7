using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Publicity;

namespace LegalBot.Knowledge.Tests;

public sealed class PublicityCatalogTests : IDisposable
{
    private readonly TempKnowledge _k = new();

    public void Dispose() => _k.Dispose();

    private async Task<(KnowledgeBase Kb, IReadOnlyList<KnowledgeDiagnostic> Problems)> OpenAsync()
    {
        var kb = await KnowledgeBase.OpenAsync(_k.Folder, null);
        var report = await kb.RefreshAsync(CancellationToken.None);
        return (kb, report.Diagnostics);
    }

    private void WriteSet()
    {
        _k.Write("laws/示例法.md", Samples.Statute);
        _k.Write("campaigns/aid-week.md", PublicitySamples.Campaign);
        _k.Write("lessons/aid-free.md", PublicitySamples.CampaignLesson);
        _k.Write("lessons/aid-wages.md", PublicitySamples.SeasonLesson);
        _k.Write("quizzes/aid.md", PublicitySamples.Quiz());
    }

    [Fact]
    public async Task Lessons_quizzes_and_campaigns_load_checked_and_stay_out_of_the_answer_index()
    {
        WriteSet();
        var (kb, problems) = await OpenAsync();
        using var _ = kb;
        Assert.DoesNotContain(problems, p => !p.IsWarning);
        var catalog = kb.View.Publicity;
        Assert.Equal(["lesson-aid-free", "lesson-aid-wages"], catalog.Lessons.Select(l => l.Id).Order());
        Assert.Equal(6, Assert.Single(catalog.Quizzes).Questions.Count);
        Assert.Equal(1, catalog.Question("quiz-aid-02")!.Answer);
        var lesson = catalog.Lesson("lesson-aid-free")!;
        Assert.Equal(["农民工"], lesson.Audience);
        Assert.StartsWith("老王被拖欠工资", lesson.Body, StringComparison.Ordinal);
        // Teaching files are not answers: the index holds only the statute.
        Assert.All(await kb.Index.GetDocumentsAsync(CancellationToken.None), d => Assert.Equal(DocumentKind.Regulation, d.Kind));
    }

    [Fact]
    public async Task Today_s_lesson_follows_the_campaign_then_the_season_and_skips_what_was_read()
    {
        WriteSet();
        var (kb, _) = await OpenAsync();
        using var __ = kb;
        var catalog = kb.View.Publicity;
        Assert.Equal("lesson-aid-free", catalog.PickLesson(new DateOnly(2026, 12, 3), null, [])!.Id);
        Assert.Equal("lesson-aid-wages", catalog.PickLesson(new DateOnly(2026, 1, 20), null, [])!.Id);
        Assert.Equal("lesson-aid-wages", catalog.PickLesson(new DateOnly(2026, 12, 3), null, ["lesson-aid-free"])!.Id);
        var (questions, campaign) = catalog.PickQuiz(new DateOnly(2026, 12, 3), 5, seed: 1, asked: []);
        Assert.Equal(5, questions.Distinct().Count());
        Assert.Equal("campaign-aid-week", campaign!.Id);
        var (later, none) = catalog.PickQuiz(new DateOnly(2026, 7, 1), 5, seed: 1, asked: questions.Select(q => q.Id).ToList());
        Assert.Null(none);
        Assert.Contains(later, q => !questions.Contains(q));
    }

    [Theory]
    [InlineData("    answer: A\n", "    answer: E\n", "quizzes/aid.md:10: answer 'E' is not one of the options (A–C)")]
    [InlineData("        quote: 国家无偿提供法律服务的制度\n", "        quote: 国家有偿提供法律服务\n", "quizzes/aid.md:13: the quote of 示例法第二条 does not match the article at “国家有偿提供法律服务”")]
    [InlineData("        article: 第二条\n", "        article: 第九十九条\n", "quizzes/aid.md:13: 示例法第九十九条 does not exist in the folder's 示例法")]
    [InlineData("campaign: campaign-aid-week\n", "campaign: 不存在的活动\n", "quizzes/aid.md:1: campaign '不存在的活动' is not a campaign of the folder (campaigns/)")]
    [InlineData("    options: [不收费0, 收费1, 收费2]\n", "    options: [不收费0, 收费1]\n", "quizzes/aid.md:9: 'options' must be a list of 3 or 4 choices")]
    public async Task A_bad_quiz_is_reported_at_its_line(string good, string bad, string expected)
    {
        WriteSet();
        var quiz = PublicitySamples.Quiz();
        var at = quiz.IndexOf(good, StringComparison.Ordinal);
        Assert.True(at >= 0, good);
        _k.Write("quizzes/aid.md", quiz[..at] + bad + quiz[(at + good.Length)..]);
        var (kb, problems) = await OpenAsync();
        using var _ = kb;
        Assert.Contains(expected, problems.Select(p => p.ToString()));
    }

    [Fact]
    public async Task Lessons_naming_unknown_matters_or_with_no_references_are_reported()
    {
        WriteSet();
        _k.Write("lessons/bad.md", "---\nid: lesson-bad\nkind: lesson\nmatters: [matter-nope]\nreferences:\n  - law: 示例法\n    article: 第二条\n---\n# 坏课\n\n正文。\n");
        _k.Write("lessons/empty.md", "---\nid: lesson-empty\nkind: lesson\n---\n# 无依据\n\n正文。\n");
        var (kb, problems) = await OpenAsync();
        using var _ = kb;
        var text = problems.Select(p => p.ToString()).ToList();
        Assert.Contains("lessons/bad.md:1: matter 'matter-nope' does not exist (write the id of a matter in matters/)", text);
        Assert.Contains("lessons/empty.md:2: a lesson needs 'references': a list of {law, article, quote}", text);
    }

    [Fact]
    public async Task The_repository_s_lessons_and_quizzes_pass_the_check_against_the_statutes()
    {
        foreach (var (from, to) in new[] { (Path.Combine(TestPaths.RepoRoot, "knowledge"), _k.Folder), (TestPaths.CorpusLaws, Path.Combine(_k.Folder, "laws")) })
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        var (kb, problems) = await OpenAsync();
        using var _ = kb;
        Assert.Empty(problems.Where(p => !p.IsWarning).Select(p => p.ToString()));
        var catalog = kb.View.Publicity;
        Assert.True(catalog.Lessons.Count >= 30, $"{catalog.Lessons.Count} lessons");
        Assert.True(catalog.Quizzes.Sum(q => q.Questions.Count) >= 100, $"{catalog.Quizzes.Sum(q => q.Questions.Count)} questions");
        // Every campaign has lessons, and the quotes were proven against the folder's statutes (no name-only law is quoted).
        Assert.All(catalog.Campaigns, c => Assert.NotEmpty(catalog.LessonsOf(c)));
        Assert.All(catalog.References().Where(r => r.Reference.Quote is not null), r => Assert.True(kb.View.Statutes.Holds(r.Reference.Law), r.ToString()));
    }

    [Theory]
    [InlineData(12, 31, true)]
    [InlineData(1, 2, true)]
    [InlineData(1, 4, false)]
    [InlineData(12, 27, false)]
    public void A_campaign_may_span_the_new_year(int month, int day, bool active)
    {
        var c = new Campaign("c", "新年", (12, 28), (1, 3), [], [], "", "campaigns/c.md");
        Assert.Equal(active, c.IsActive(new DateOnly(2027, month, day)));
    }
}
