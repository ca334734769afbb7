using System.Text.Json;
using System.Text.Json.Serialization;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Search;

public sealed record GoldArticle(
    [property: JsonPropertyName("law")] string Law,
    [property: JsonPropertyName("article")] string Article);

/// <summary>One line of a question set (format: ../shared/eval/README.md).</summary>
public sealed record EvalQuestion(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("gold")] IReadOnlyList<GoldArticle>? Gold,
    [property: JsonPropertyName("route")] IReadOnlyList<string>? Route,
    [property: JsonPropertyName("split")] string? Split);

/// <summary>Retrieval metrics over questions with gold articles; k counts distinct articles in ranked order.</summary>
public sealed record EvalMetrics(int N, double Hit1, double Hit5, double Hit10, double Mrr10, double Recall5)
{
    public override string ToString() =>
        FormattableString.Invariant($"n={N} hit@1={Hit1:F3} hit@5={Hit5:F3} hit@10={Hit10:F3} mrr@10={Mrr10:F3} recall@5={Recall5:F3}");
}

/// <summary>One question's ranked distinct articles.</summary>
public sealed record EvalRun(EvalQuestion Question, List<(string Law, string Article)> Ranked)
{
    public IReadOnlyList<GoldArticle> Gold => Question.Gold ?? [];

    /// <summary>0-based rank of the first gold article, or -1.</summary>
    public int FirstGoldRank
    {
        get
        {
            var keys = Gold.Select(g => Evaluation.Key(g.Law, g.Article)).ToHashSet();
            return Ranked.FindIndex(keys.Contains);
        }
    }
}

public static class Evaluation
{
    /// <summary>Ranking depth used for evaluation (enough distinct articles for hit@10).</summary>
    public const int Depth = 30;

    /// <param name="depth">How many chunks to rank per question (at least <see cref="Depth"/> for the standard metrics).</param>
    public static async Task<IReadOnlyList<EvalRun>> RunAsync(KnowledgeRetriever retriever, IReadOnlyList<EvalQuestion> questions, CancellationToken cancellationToken,
        int depth = Depth)
    {
        var runs = new List<EvalRun>(questions.Count);
        foreach (var q in questions)
        {
            var result = await retriever.SearchAsync(q.Question, new RetrievalOptions(Math.Max(depth, Depth)), cancellationToken).ConfigureAwait(false);
            runs.Add(new EvalRun(q, RankedArticles(result.Hits)));
        }
        return runs;
    }

    public static EvalMetrics Score(IEnumerable<EvalRun> runs) => Score(runs.Select(r => (r.Gold, r.Ranked)).ToList());

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Reads a JSONL question set; a bad line is reported with its line number.</summary>
    public static IReadOnlyList<EvalQuestion> ParseQuestions(string text, string path)
    {
        var list = new List<EvalQuestion>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            try
            {
                var q = JsonSerializer.Deserialize<EvalQuestion>(line, Json);
                if (q is null || string.IsNullOrWhiteSpace(q.Question)) throw new JsonException("missing 'question'");
                list.Add(q);
            }
            catch (JsonException ex)
            {
                throw new FormatException($"{path}:{i + 1}: {ex.Message}", ex);
            }
        }
        return list;
    }

    /// <summary>The matching key of a statute article: (normalised law name, canonical label).</summary>
    public static (string Law, string Article) Key(string law, string article) =>
        (TextNormalizer.Normalize(LawNames.Shorten(law)), ArticleLabel.TryParse(article, out var l) ? l.ToString() : article.Trim());

    /// <summary>Distinct article keys of a ranking, in order.</summary>
    public static List<(string Law, string Article)> RankedArticles(IEnumerable<Index.ChunkHit> hits)
    {
        var seen = new List<(string, string)>();
        foreach (var h in hits)
        {
            if (h.Chunk.ArticleLabel is null) continue;
            var key = Key(h.Document.ShortTitle, h.Chunk.ArticleLabel);
            if (!seen.Contains(key)) seen.Add(key);
        }
        return seen;
    }

    public static EvalMetrics Score(IReadOnlyList<(IReadOnlyList<GoldArticle> Gold, List<(string Law, string Article)> Ranked)> runs)
    {
        var scored = runs.Where(r => r.Gold.Count > 0).ToList();
        if (scored.Count == 0) return new EvalMetrics(0, 0, 0, 0, 0, 0);
        double h1 = 0, h5 = 0, h10 = 0, mrr = 0, r5 = 0;
        foreach (var (gold, ranked) in scored)
        {
            var goldKeys = gold.Select(g => Key(g.Law, g.Article)).ToHashSet();
            var first = ranked.FindIndex(goldKeys.Contains);
            if (first == 0) h1++;
            if (first is >= 0 and < 5) h5++;
            if (first is >= 0 and < 10) { h10++; mrr += 1.0 / (first + 1); }
            r5 += (double)ranked.Take(5).Count(goldKeys.Contains) / goldKeys.Count;
        }
        double n = scored.Count;
        return new EvalMetrics(scored.Count, h1 / n, h5 / n, h10 / n, mrr / n, r5 / n);
    }

    /// <summary>
    /// Share of questions with a gold article among the first <paramref name="k"/> distinct articles: the
    /// first stage's recall, which bounds what a reranker over that many candidates can reach.
    /// </summary>
    public static double HitAt(IEnumerable<EvalRun> runs, int k)
    {
        var scored = runs.Where(r => r.Gold.Count > 0).ToList();
        if (scored.Count == 0) return 0;
        return scored.Count(r => r.FirstGoldRank is >= 0 && r.FirstGoldRank < k) / (double)scored.Count;
    }
}
