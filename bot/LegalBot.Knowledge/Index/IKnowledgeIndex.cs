using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Index;

/// <summary>
/// A searchable store of knowledge chunks. The embedded index is the default; a Qdrant backend implements
/// the same contract. Scoring is expressed as sparse term weights (<see cref="SparseEncoder"/>), so any
/// backend with sparse vectors and an IDF modifier reproduces the embedded ranking.
/// </summary>
public interface IKnowledgeIndex
{
    /// <summary>The documents currently served (with their source paths and file hashes, for incremental updates).</summary>
    ValueTask<IReadOnlyList<DocumentInfo>> GetDocumentsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies upserts and deletes as one atomic change: searches see either the old or the new content,
    /// never a mix, and a failure leaves the old content in place.
    /// </summary>
    Task<IndexChangeSummary> ApplyAsync(IndexBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Ranks chunks by the sparse dot product of the query's terms with each chunk's term weights; when the
    /// query carries a dense vector and the index holds embeddings, the sparse and dense rankings are fused
    /// by reciprocal rank (<see cref="Rrf"/>).
    /// </summary>
    Task<IReadOnlyList<ChunkHit>> SearchAsync(IndexQuery query, SearchFilter? filter, int top, CancellationToken cancellationToken);

    /// <summary>All chunks of one document in order (to show neighbours, or a whole guide).</summary>
    ValueTask<IReadOnlyList<KnowledgeChunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken);
}

/// <summary>
/// An index that scores a query once and ranks it under several filters. The retriever uses it, when the
/// index offers it, for its named-statute and whole-corpus searches; otherwise it calls
/// <see cref="IKnowledgeIndex.SearchAsync"/> once per filter, with the same results.
/// </summary>
public interface IMultiSearchIndex
{
    /// <summary>One list per request, each equal to <see cref="IKnowledgeIndex.SearchAsync"/> with that filter and top.</summary>
    Task<IReadOnlyList<IReadOnlyList<ChunkHit>>> SearchAsync(IndexQuery query, IReadOnlyList<SearchRequest> requests, CancellationToken cancellationToken);
}

/// <summary>One ranking wanted from a query: its filter (null: none) and how many hits.</summary>
public sealed record SearchRequest(SearchFilter? Filter, int Top);

public sealed record IndexBatch(IReadOnlyList<KnowledgeDocument> Upserts, IReadOnlyList<string> Deletes)
{
    public bool IsEmpty => Upserts.Count == 0 && Deletes.Count == 0;
}

/// <summary>What one update changed, in documents; chunk totals are after the change.</summary>
public sealed record IndexChangeSummary(int Added, int Changed, int Removed, int Documents, int Chunks);

/// <summary>A query as term → weight. Weights multiply the backend's IDF × saturated term frequency.</summary>
public sealed record SparseQuery(IReadOnlyDictionary<string, float> Terms)
{
    public static readonly SparseQuery Empty = new(new Dictionary<string, float>());
}

/// <summary>Restricts a search; null members do not filter.</summary>
public sealed record SearchFilter(
    string? Region = null,
    IReadOnlySet<DocumentKind>? Kinds = null,
    IReadOnlySet<string>? DocumentIds = null)
{
    public bool Matches(DocumentInfo d) =>
        (Region is null || d.Region is null || string.Equals(d.Region, Region, StringComparison.Ordinal))
        && (Kinds is null || Kinds.Contains(d.Kind))
        && (DocumentIds is null || DocumentIds.Contains(d.Id));
}

/// <summary>What a backend searches with: sparse term weights, and optionally the question's embedding.</summary>
public sealed record IndexQuery(SparseQuery Sparse, float[]? Dense = null);

/// <summary>
/// Reciprocal rank fusion as both backends compute it: Σ 1/(k + rank), rank from 1, over the sparse and
/// dense candidate lists of <see cref="Depth"/> each. k is sent to Qdrant explicitly so its default never matters.
/// </summary>
public static class Rrf
{
    public const int K = 60;

    /// <summary>How many candidates each ranking contributes before fusion.</summary>
    public static int Depth(int top) => Math.Max(top, 50);

    public static double Score(int rank) => 1.0 / (K + rank);
}

public sealed record ChunkHit(KnowledgeChunk Chunk, DocumentInfo Document, double Score);
