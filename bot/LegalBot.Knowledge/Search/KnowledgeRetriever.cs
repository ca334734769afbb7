using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Search;

public sealed record RetrievalOptions(int Top = 10, SearchFilter? Filter = null)
{
    public static RetrievalOptions Default { get; } = new();
}

public sealed record RetrievalResult(AnalyzedQuery Query, IReadOnlyList<ChunkHit> Hits)
{
    public ChunkHit? Best => Hits.Count > 0 ? Hits[0] : null;
}

/// <summary>
/// Question → ranked chunks over any <see cref="IKnowledgeIndex"/>. On top of the sparse search it
/// recognises statute names in the question (searching that statute first) and explicit article
/// references ("民法典第1086条"), which are answered by that exact article.
/// </summary>
public sealed class KnowledgeRetriever(IKnowledgeIndex index, QueryAnalyzer analyzer)
{
    public IKnowledgeIndex Index { get; } = index;
    public QueryAnalyzer Analyzer { get; } = analyzer;

    public async Task<RetrievalResult> SearchAsync(string question, RetrievalOptions? options, CancellationToken cancellationToken)
    {
        options ??= RetrievalOptions.Default;
        var query = Analyzer.Analyze(question);
        var documents = await Index.GetDocumentsAsync(cancellationToken).ConfigureAwait(false);
        var named = NamedDocuments(query.Normalized, documents);

        var hits = new List<ChunkHit>(options.Top);
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

        if (named.Count > 0)
        {
            var filter = (options.Filter ?? new SearchFilter()) with { DocumentIds = named };
            Merge(hits, await Index.SearchAsync(query.Sparse, filter, options.Top, cancellationToken).ConfigureAwait(false), options.Top);
        }
        Merge(hits, await Index.SearchAsync(query.Sparse, options.Filter, options.Top, cancellationToken).ConfigureAwait(false), options.Top);
        return new RetrievalResult(query, hits);
    }

    private static void Merge(List<ChunkHit> hits, IReadOnlyList<ChunkHit> more, int top)
    {
        foreach (var h in more)
        {
            if (hits.Count >= top) return;
            if (!hits.Exists(x => x.Chunk.Id == h.Chunk.Id)) hits.Add(h);
        }
    }

    /// <summary>Documents whose statute name (without 中华人民共和国) appears in the question.</summary>
    private static HashSet<string> NamedDocuments(string normalizedQuestion, IReadOnlyList<DocumentInfo> documents)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in documents)
        {
            if (d.Kind != DocumentKind.Regulation) continue;
            var name = TextNormalizer.Normalize(d.ShortTitle);
            if (name.Length >= 3 && normalizedQuestion.Contains(name, StringComparison.Ordinal)) ids.Add(d.Id);
        }
        return ids;
    }
}
