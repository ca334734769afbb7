using System.Runtime.CompilerServices;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Reranking;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Search;

/// <param name="Context">Earlier conversation (the previous question) that a follow-up depends on; its terms count less than the question's.</param>
public sealed record RetrievalOptions(int Top = 10, SearchFilter? Filter = null, string? Context = null)
{
    public static RetrievalOptions Default { get; } = new();
}

/// <param name="Attested">Question bigrams that occur in some candidate (evidence that can count, see <see cref="QueryCoverage"/>).</param>
/// <param name="Reranked">The hits were ordered by the cross-encoder, and their scores are its relevances (0–1).</param>
public sealed record RetrievalResult(AnalyzedQuery Query, IReadOnlyList<ChunkHit> Hits, IReadOnlySet<string> Attested, bool Reranked = false)
{
    public ChunkHit? Best => Hits.Count > 0 ? Hits[0] : null;

    /// <summary>
    /// How confidently the best hit answers the question (0–1): its coverage of the question's words (see
    /// <see cref="QueryCoverage"/>), or the reranker's relevance when that is higher — the model reads meaning,
    /// so a passage in other words than the citizen's can still be vouched for.
    /// </summary>
    /// <summary>Coverage of the question by the best hit's legal text alone (title, headings, text; no citizens' wordings).</summary>
    public double LegalCoverage => QueryCoverage.Of(Query, Best, Attested, QueryCoverage.MinimumEvidence, wordings: false);

    public double Confidence
    {
        get
        {
            var coverage = Math.Max(QueryCoverage.Of(Query, Best, Attested, QueryCoverage.MinimumEvidence), QueryCoverage.OfBestClause(Query, Best, Attested));
            return Reranked && Best is { Score: < double.MaxValue } best ? Math.Max(coverage, best.Score) : coverage;
        }
    }
}

/// <summary>
/// Question → ranked chunks over any <see cref="IKnowledgeIndex"/>. On top of the sparse search it
/// recognises statute names in the question (searching that statute first) and explicit article
/// references ("民法典第1086条"), which are answered by that exact article. With an embedder, the question's
/// embedding goes along for hybrid search; if the endpoint fails, the search goes on sparse-only. With a
/// reranker, the top candidates are re-ordered by a cross-encoder (first-stage order if it fails).
/// </summary>
public sealed class KnowledgeRetriever(IKnowledgeIndex index, QueryAnalyzer analyzer, ChunkEmbedder? embedder = null, PassageReranker? reranker = null)
{
    public IKnowledgeIndex Index { get; } = index;
    public QueryAnalyzer Analyzer { get; } = analyzer;
    public PassageReranker? Reranker { get; } = reranker;

    public async Task<RetrievalResult> SearchAsync(string question, RetrievalOptions? options, CancellationToken cancellationToken)
    {
        options ??= RetrievalOptions.Default;
        var query = Analyzer.Analyze(question, options.Context);
        var indexQuery = new IndexQuery(query.Sparse, await EmbedAsync(question, options.Context, cancellationToken).ConfigureAwait(false));
        var documents = await Index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false);
        var named = NamedDocuments(query.Normalized, documents);
        // The reranker chooses among more candidates than are returned.
        var top = Reranker is null ? options.Top : Math.Max(options.Top, Reranker.Settings.Depth);

        var hits = new List<ChunkHit>(top);
        if (query.Article is { } article && named.Count > 0)
        {
            var label = article.ToString();
            foreach (var id in named)
            {
                var chunks = await Index.GetChunksAsync(id, cancellationToken).ConfigureAwait(false);
                var exact = chunks.FirstOrDefault(c => c.ArticleLabel == label);
                var doc = documents.First(d => d.Id == id);
                if (exact is not null && (options.Filter?.Matches(doc) ?? true)) hits.Add(new ChunkHit(exact, doc, double.MaxValue));
            }
        }

        var everything = new SearchRequest(options.Filter, Math.Max(top, CoverageDepth));
        IReadOnlyList<ChunkHit> candidates;
        if (named.Count > 0)
        {
            var inNamed = new SearchRequest((options.Filter ?? new SearchFilter()) with { DocumentIds = named }, top);
            IReadOnlyList<IReadOnlyList<ChunkHit>> both = Index is IMultiSearchIndex multi
                ? await multi.SearchAsync(indexQuery, [inNamed, everything], cancellationToken).ConfigureAwait(false)
                : [await SearchAsync(inNamed).ConfigureAwait(false), await SearchAsync(everything).ConfigureAwait(false)];
            Merge(hits, both[0], top);
            candidates = both[1];
        }
        else
        {
            candidates = await SearchAsync(everything).ConfigureAwait(false);
        }
        var attested = QueryCoverage.Attested(query, hits.Concat(candidates));
        Merge(hits, ApplyCoverage(query, candidates, attested), top);
        var reranked = Reranker is null ? null
            : await Reranker.RerankAsync(options.Context is null ? question : options.Context + "\n" + question, hits, cancellationToken).ConfigureAwait(false);
        hits = reranked ?? hits;
        if (hits.Count > options.Top) hits.RemoveRange(options.Top, hits.Count - options.Top);
        return new RetrievalResult(query, hits, attested, reranked is not null);

        Task<IReadOnlyList<ChunkHit>> SearchAsync(SearchRequest request) => Index.SearchAsync(indexQuery, request.Filter, request.Top, cancellationToken);
    }

    /// <summary>Dense searches skipped because the embedding endpoint failed (for health reporting).</summary>
    public long EmbeddingFailures => Interlocked.Read(ref _embeddingFailures);

    private long _embeddingFailures;

    /// <summary>A question's embedding must come back within this, or the search goes on sparse-only.</summary>
    public TimeSpan QueryEmbeddingTimeout { get; init; } = TimeSpan.FromSeconds(2);

    private async Task<float[]?> EmbedAsync(string question, string? context, CancellationToken cancellationToken)
    {
        if (embedder is null) return null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(QueryEmbeddingTimeout);
        try
        {
            return await embedder.EmbedQueryAsync(context is null ? question : context + "\n" + question, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is EmbeddingException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Interlocked.Increment(ref _embeddingFailures);
            return null;
        }
    }

    /// <summary>How many first-stage candidates are re-scored by query coverage.</summary>
    public const int CoverageDepth = 50;

    /// <summary>
    /// score × (1 − w + w·coverage): BM25 sums term evidence and can rank a chunk that repeats two common
    /// question words above one that contains most of them; the coverage factor (Lucene's old "coord")
    /// restores the preference for chunks that answer the whole question.
    /// </summary>
    private List<ChunkHit> ApplyCoverage(AnalyzedQuery query, IReadOnlyList<ChunkHit> candidates, HashSet<string> attested)
    {
        var w = Analyzer.Weights.Coverage;
        var v = Analyzer.Weights.Variant;
        var queryBigrams = QueryCoverage.Bigrams(query.Core);
        var scored = candidates
            .Select(h =>
            {
                var score = w <= 0 ? h.Score : h.Score * (1 - w + w * QueryCoverage.Of(query, h, attested));
                // A matter one of whose wordings says nearly what the citizen said is the one meant, even when another
                // matter's pooled wordings share as many words.
                if (v > 0 && h.Chunk.QuestionVariants.Count > 0) score *= 1 + v * QueryCoverage.BestVariantMatch(queryBigrams, h);
                return h with { Score = score };
            })
            .ToList();
        var a = Analyzer.Weights.Agreement;
        if (a > 0) scored = Agreement(scored, a);
        return scored.OrderByDescending(h => h.Score).ToList();
    }

    /// <summary>
    /// Two independent signals that agree are better evidence than either: a matter (matched on citizens' wordings)
    /// whose governing articles the statute text also ranks among the candidates is lifted by up to <paramref name="weight"/>,
    /// in proportion to the best such article's score against the best statute article's. A matter whose wordings share
    /// surface words with the question but whose law says nothing about it gets no lift.
    /// </summary>
    private static List<ChunkHit> Agreement(List<ChunkHit> scored, double weight)
    {
        var articles = new Dictionary<(string, string), double>();
        foreach (var h in scored)
            if (ArticleKey(h) is { } key) articles[key] = Math.Max(articles.GetValueOrDefault(key), h.Score);
        if (articles.Count == 0) return scored;
        var top = articles.Values.Max();
        if (top <= 0) return scored;
        return scored.Select(h =>
        {
            if (h.Document.Kind != DocumentKind.Matter || h.Chunk.ArticleReferences.Count == 0) return h;
            var best = ReferenceKeys.GetValue(h.Chunk, static c => c.ArticleReferences.Select(r => Evaluation.Key(r.Law, r.Article)).ToArray())
                .Select(k => articles.GetValueOrDefault(k)).Max();
            return best <= 0 ? h : h with { Score = h.Score * (1 + weight * best / top) };
        }).ToList();
    }

    /// <summary>A statute article's key (as a matter's references are keyed), computed once per chunk; null for anything else.</summary>
    private static (string, string)? ArticleKey(ChunkHit h) =>
        h.Chunk.ArticleLabel is { } label && h.Document.Kind == DocumentKind.Regulation
            ? ArticleKeys.GetValue(h.Chunk, c => new StrongBox<(string, string)>(Evaluation.Key(h.Document.ShortTitle, label))).Value
            : null;

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<KnowledgeChunk, StrongBox<(string, string)>> ArticleKeys = [];

    // A matter's references as article keys, computed once per chunk (chunks are immutable and shared by snapshots).
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<KnowledgeChunk, (string, string)[]> ReferenceKeys = [];

    private static void Merge(List<ChunkHit> hits, IReadOnlyList<ChunkHit> more, int top)
    {
        foreach (var h in more)
        {
            if (hits.Count >= top) return;
            if (!hits.Exists(x => x.Chunk.Id == h.Chunk.Id)) hits.Add(h);
        }
    }

    // Document infos are immutable and shared by index snapshots: each statute name is normalised once, not per question.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DocumentInfo, string> NormalizedShortTitles = [];

    /// <summary>Documents whose statute name (without 中华人民共和国) appears in the question.</summary>
    private static HashSet<string> NamedDocuments(string normalizedQuestion, IReadOnlyList<DocumentInfo> documents)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in documents)
        {
            if (d.Kind != DocumentKind.Regulation) continue;
            var name = NormalizedShortTitles.GetValue(d, static d => TextNormalizer.Normalize(d.ShortTitle));
            if (name.Length >= 3 && normalizedQuestion.Contains(name, StringComparison.Ordinal)) ids.Add(d.Id);
        }
        return ids;
    }
}
