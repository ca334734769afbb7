using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Index.Qdrant;
using LegalBot.Knowledge.Reranking;
using LegalBot.Knowledge.Reranking.Api;
using LegalBot.Knowledge.Search;

namespace LegalBot.Knowledge;

/// <summary>Which index serves the knowledge base, and with which options (from configuration or CLI flags).</summary>
/// <param name="Backend"><c>embedded</c> (default, in-process) or <c>qdrant</c>.</param>
/// <param name="DataDirectory">Where the embedded index and the embedding cache persist; null keeps both in memory.</param>
/// <param name="ForRebuild">The Qdrant collection is about to be rebuilt: do not refuse one that no longer matches.</param>
public sealed record KnowledgeBackendSettings(
    string Backend = KnowledgeBackendSettings.Embedded,
    string? DataDirectory = null,
    QdrantSettings? Qdrant = null,
    EmbeddingSettings? Embeddings = null,
    string? SynonymsPath = null,
    RetrievalSettings? Retrieval = null,
    bool ForRebuild = false,
    RerankSettings? Rerank = null)
{
    public const string Embedded = "embedded", QdrantBackend = "qdrant";

    public IEnumerable<string> Problems()
    {
        if (Backend is not Embedded and not QdrantBackend) yield return $"Index:Backend must be '{Embedded}' or '{QdrantBackend}', not '{Backend}'";
        if (Backend == QdrantBackend && Qdrant is null) yield return "Index:Backend is qdrant but Qdrant:Url is not set";
        if (Qdrant is not null)
        {
            foreach (var p in Qdrant.Problems()) yield return p;
        }
        if (Embeddings is not null)
        {
            foreach (var p in Embeddings.Problems()) yield return p;
        }
        if (Rerank is not null)
        {
            foreach (var p in Rerank.Problems()) yield return p;
        }
    }
}

/// <summary>Opens a knowledge base over the configured backend — the one place the CLI and the service do it.</summary>
public static class KnowledgeBackend
{
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    /// <exception cref="QdrantException">Qdrant is unreachable or holds an incompatible collection.</exception>
    public static async Task<KnowledgeBase> OpenAsync(string folder, KnowledgeBackendSettings settings, CancellationToken cancellationToken)
    {
        var problems = settings.Problems().ToList();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(settings));
        var retrieval = settings.Retrieval ?? RetrievalSettings.Default;
        var embedder = settings.Embeddings is null
            ? null
            : await OpenAiEmbeddings.CreateEmbedderAsync(settings.Embeddings, settings.DataDirectory, cancellationToken).ConfigureAwait(false);
        var reranker = settings.Rerank is null ? null : new PassageReranker(new HttpRelevanceScorer(settings.Rerank), settings.Rerank);
        QdrantIndex? index = null;
        try
        {
            if (settings.Backend == KnowledgeBackendSettings.Embedded)
                return await KnowledgeBase.OpenAsync(folder, settings.DataDirectory, settings.SynonymsPath, retrieval, embedder, reranker, cancellationToken).ConfigureAwait(false);

            var encoder = KnowledgeBase.CreateEncoder(retrieval);
            index = await QdrantIndex.OpenAsync(settings.Qdrant!, encoder, embedder, forRebuild: settings.ForRebuild, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await KnowledgeBase.OpenAsync(folder, index, encoder, embedder, settings.SynonymsPath, retrieval, cancellationToken, reranker).ConfigureAwait(false);
        }
        catch
        {
            index?.Dispose();
            reranker?.Dispose();
            throw;
        }
    }

    /// <summary>Settings from <c>Section__Key</c> environment variables (the CLI's fallback for flags it was not given).</summary>
    public static KnowledgeBackendSettings FromEnvironment(Func<string, string?> get, string? dataDirectory, string? synonymsPath)
    {
        static int Int(string? s, int fallback) => int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;
        var qdrantUrl = get("Qdrant__Url");
        var embedUrl = get("Embeddings__Endpoint");
        var rerankUrl = get("Rerank__Endpoint");
        return new KnowledgeBackendSettings(
            get("Index__Backend") is { Length: > 0 } b ? b : KnowledgeBackendSettings.Embedded,
            dataDirectory,
            string.IsNullOrEmpty(qdrantUrl) ? null : new QdrantSettings(new Uri(qdrantUrl), get("Qdrant__Collection") is { Length: > 0 } c ? c : "legalbot", get("Qdrant__ApiKey")),
            string.IsNullOrEmpty(embedUrl) ? null : new EmbeddingSettings(new Uri(embedUrl), get("Embeddings__Model") ?? "", Int(get("Embeddings__Dimensions"), 0), get("Embeddings__ApiKey")),
            synonymsPath,
            Rerank: string.IsNullOrEmpty(rerankUrl) ? null
                : new RerankSettings(new Uri(rerankUrl), get("Rerank__Model") ?? "", get("Rerank__ApiKey"), Int(get("Rerank__Depth"), RerankSettings.DefaultDepth),
                    double.TryParse(get("Rerank__TimeoutSeconds"), System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null));
    }
}
