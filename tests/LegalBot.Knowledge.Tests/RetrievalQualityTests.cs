using LegalBot.Knowledge.Search;

namespace LegalBot.Knowledge.Tests;

/// <summary>
/// Quality gates over the real statute corpus (../shared). Floors sit at the targets where we meet
/// them and at the measured level otherwise, so any regression in normalisation, expansion or scoring fails.
/// </summary>
public class RetrievalQualityTests
{
    private static async Task<EvalMetrics> EvaluateAsync(string file, string? split = null)
    {
        using var kb = await KnowledgeBase.OpenAsync(TestPaths.CorpusLaws, null, TestPaths.Synonyms);
        var report = await kb.RefreshAsync(CancellationToken.None);
        Assert.DoesNotContain(report.Diagnostics, d => !d.IsWarning);
        var questions = Evaluation.ParseQuestions(await File.ReadAllTextAsync(TestPaths.Eval(file)), file)
            .Where(q => split is null || q.Split == split).ToList();
        var runs = await Evaluation.RunAsync(kb.Retriever, questions, CancellationToken.None);
        return Evaluation.Score(runs);
    }

    [Fact]
    public async Task Services_questions_meet_the_targets()
    {
        var m = await EvaluateAsync("services-dev.jsonl");
        Assert.Equal(40, m.N);
        Assert.True(m.Hit5 >= 0.95, m.ToString());
        Assert.True(m.Mrr10 >= 0.80, m.ToString());
    }

    [Fact]
    public async Task Stard_questions_do_not_regress()
    {
        var all = await EvaluateAsync("stard-inscope.jsonl");
        Assert.Equal(746, all.N);
        Assert.True(all.Hit5 >= 0.65, all.ToString());
        Assert.True(all.Mrr10 >= 0.51, all.ToString());
        var dev = await EvaluateAsync("stard-inscope.jsonl", "dev");
        Assert.True(dev.Hit5 >= 0.60, dev.ToString());
    }

    [Fact]
    public void Metrics_follow_the_eval_readme_definitions()
    {
        GoldArticle G(string a) => new("民法典", a);
        static IReadOnlyList<(string, string)> R(params string[] articles) => articles.Select(a => ("民法典", a)).ToList();
        var runs = new List<(IReadOnlyList<GoldArticle>, List<IReadOnlyList<(string, string)>>)>
        {
            ([G("第一条")], [R("第一条"), R("第二条")]),
            ([G("第三条"), G("第九条")], [R("第一条"), R("第三条")]),
            ([G("第五条")], [R("第一条")]),
            ([], [R("第一条")]),
            // A matter at rank 2 holding two articles: both count at rank 2.
            ([G("第八条")], [R("第一条"), R("第七条", "第八条")]),
        };
        var m = Evaluation.Score(runs);
        Assert.Equal(4, m.N);
        Assert.Equal(1 / 4.0, m.Hit1, 6);
        Assert.Equal(3 / 4.0, m.Hit5, 6);
        Assert.Equal((1 + 0.5 + 0.5) / 4, m.Mrr10, 6);
        Assert.Equal((1 + 0.5 + 0 + 1) / 4, m.Recall5, 6);
        Assert.Equal(("民法典", "第三十一条"), Evaluation.Key("中华人民共和国民法典", "第31条"));
    }
}
