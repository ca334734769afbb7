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

/// <summary>
/// One question's ranking as ranks of articles: a statute article is one rank; a matter or guide section is one rank
/// holding every article it references ("a matter at rank r counts the articles it references at rank r"). A rank
/// that adds no article not already ranked is skipped, so k still counts distinct articles.
/// </summary>
public sealed record EvalRun(EvalQuestion Question, List<IReadOnlyList<(string Law, string Article)>> Ranks)
{
    public IReadOnlyList<GoldArticle> Gold => Question.Gold ?? [];

    /// <summary>Every ranked article in order (a rank's articles in their listed order).</summary>
    public List<(string Law, string Article)> Ranked => Ranks.SelectMany(r => r).ToList();

    /// <summary>0-based rank of the first rank holding a gold article, or -1.</summary>
    public int FirstGoldRank
    {
        get
        {
            var keys = Gold.Select(g => Evaluation.Key(g.Law, g.Article)).ToHashSet();
            return Ranks.FindIndex(r => r.Any(keys.Contains));
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

    public static EvalMetrics Score(IEnumerable<EvalRun> runs) => Score(runs.Select(r => (r.Gold, r.Ranks)).ToList());

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

    /// <summary>The ranks of articles of a ranking (see <see cref="EvalRun"/>).</summary>
    public static List<IReadOnlyList<(string Law, string Article)>> RankedArticles(IEnumerable<Index.ChunkHit> hits)
    {
        var seen = new HashSet<(string, string)>();
        var ranks = new List<IReadOnlyList<(string Law, string Article)>>();
        foreach (var h in hits)
        {
            IEnumerable<(string, string)> keys = h.Chunk.ArticleLabel is { } label
                ? [Key(h.Document.ShortTitle, label)]
                : h.Chunk.ArticleReferences.Select(r => Key(r.Law, r.Article));
            var fresh = keys.Where(seen.Add).ToList();
            if (fresh.Count > 0) ranks.Add(fresh);
        }
        return ranks;
    }

    public static EvalMetrics Score(IReadOnlyList<(IReadOnlyList<GoldArticle> Gold, List<IReadOnlyList<(string Law, string Article)>> Ranks)> runs)
    {
        var scored = runs.Where(r => r.Gold.Count > 0).ToList();
        if (scored.Count == 0) return new EvalMetrics(0, 0, 0, 0, 0, 0);
        double h1 = 0, h5 = 0, h10 = 0, mrr = 0, r5 = 0;
        foreach (var (gold, ranks) in scored)
        {
            var goldKeys = gold.Select(g => Key(g.Law, g.Article)).ToHashSet();
            var first = ranks.FindIndex(r => r.Any(goldKeys.Contains));
            if (first == 0) h1++;
            if (first is >= 0 and < 5) h5++;
            if (first is >= 0 and < 10) { h10++; mrr += 1.0 / (first + 1); }
            r5 += (double)ranks.Take(5).SelectMany(r => r).Distinct().Count(goldKeys.Contains) / goldKeys.Count;
        }
        double n = scored.Count;
        return new EvalMetrics(scored.Count, h1 / n, h5 / n, h10 / n, mrr / n, r5 / n);
    }

    /// <summary>
    /// Share of questions with a gold article among the first <paramref name="k"/> ranks: the first stage's recall,
    /// which bounds what a reranker over that many candidates can reach.
    /// </summary>
    public static double HitAt(IEnumerable<EvalRun> runs, int k)
    {
        var scored = runs.Where(r => r.Gold.Count > 0).ToList();
        if (scored.Count == 0) return 0;
        return scored.Count(r => r.FirstGoldRank is >= 0 && r.FirstGoldRank < k) / (double)scored.Count;
    }
}
