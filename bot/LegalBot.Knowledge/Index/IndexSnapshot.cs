using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Index;

/// <summary>
/// An immutable inverted index over analysed chunks. Built aside and swapped in whole, so readers never
/// see a half-applied update. Postings hold the document-side sparse weight; search multiplies by
/// query weight × IDF.
/// </summary>
internal sealed class IndexSnapshot
{
    public static readonly IndexSnapshot Empty = Build([], SparseEncoder.Default);

    private readonly Dictionary<string, int> _termIds;
    private readonly int[][] _postingChunks;
    private readonly float[][] _postingWeights;
    private readonly float[] _idf;

    // Unit-length embeddings aligned with Chunks, or null when embeddings are off.
    private readonly float[][]? _vectors;

    private IndexSnapshot(AnalyzedChunk[] chunks, Dictionary<string, int> termIds, int[][] postingChunks,
        float[][] postingWeights, float[] idf, Dictionary<string, KnowledgeChunk[]> byDocument, DocumentInfo[] documents, float[][]? vectors)
    {
        Chunks = chunks;
        _vectors = vectors;
        _termIds = termIds;
        _postingChunks = postingChunks;
        _postingWeights = postingWeights;
        _idf = idf;
        ChunksByDocument = byDocument;
        Documents = documents;
    }

    public AnalyzedChunk[] Chunks { get; }
    public DocumentInfo[] Documents { get; }
    public Dictionary<string, KnowledgeChunk[]> ChunksByDocument { get; }
    public int TermCount => _termIds.Count;

    public bool HasVectors => _vectors is not null;

    /// <param name="vectors">Embeddings aligned with <paramref name="analyzed"/>, or null.</param>
    public static IndexSnapshot Build(IReadOnlyList<AnalyzedChunk> analyzed, SparseEncoder encoder, IReadOnlyList<float[]>? vectors = null)
    {
        var chunks = analyzed.ToArray();
        if (vectors is not null && vectors.Count != chunks.Length) throw new ArgumentException("one vector per chunk", nameof(vectors));
        var avgLengths = SparseEncoder.AverageLengths(chunks);
        var termIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var postings = new List<(int Chunk, float Weight)>[Math.Max(16, chunks.Length * 8)];
        var count = 0;
        for (var i = 0; i < chunks.Length; i++)
        {
            var c = chunks[i];
            foreach (var (term, weight) in encoder.Encode(c, avgLengths))
            {
                if (!termIds.TryGetValue(term, out var id))
                {
                    id = termIds.Count;
                    termIds.Add(term, id);
                    if (id >= postings.Length) Array.Resize(ref postings, postings.Length * 2);
                    postings[id] = [];
                    count++;
                }
                postings[id].Add((i, weight));
            }
        }
        var postingChunks = new int[count][];
        var postingWeights = new float[count][];
        var idf = new float[count];
        for (var t = 0; t < count; t++)
        {
            var list = postings[t];
            postingChunks[t] = new int[list.Count];
            postingWeights[t] = new float[list.Count];
            for (var k = 0; k < list.Count; k++)
            {
                postingChunks[t][k] = list[k].Chunk;
                postingWeights[t][k] = list[k].Weight;
            }
            idf[t] = SparseEncoder.Idf(chunks.Length, list.Count);
        }
        var byDocument = chunks.GroupBy(c => c.Document.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Chunk).OrderBy(c => c.Ordinal).ToArray(), StringComparer.Ordinal);
        var documents = chunks.Select(c => c.Document).DistinctBy(d => d.Id).ToArray();
        return new IndexSnapshot(chunks, termIds, postingChunks, postingWeights, idf, byDocument, documents, vectors?.ToArray());
    }

    public List<ChunkHit> Search(SparseQuery query, SearchFilter? filter, int top) => Search(new IndexQuery(query), filter, top);

    public List<ChunkHit> Search(IndexQuery query, SearchFilter? filter, int top)
    {
        if (top <= 0 || Chunks.Length == 0) return [];
        if (query.Dense is null || _vectors is null) return ToHits(SparseRanking(query.Sparse, filter, top));
        var depth = Rrf.Depth(top);
        var fused = new Dictionary<int, double>();
        foreach (var ranking in new[] { SparseRanking(query.Sparse, filter, depth), DenseRanking(query.Dense, filter, depth) })
        {
            for (var r = 0; r < ranking.Count; r++)
                fused[ranking[r].Index] = fused.GetValueOrDefault(ranking[r].Index) + Rrf.Score(r + 1);
        }
        return fused.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(top)
            .Select(kv => new ChunkHit(Chunks[kv.Key].Chunk, Chunks[kv.Key].Document, kv.Value)).ToList();
    }

    private List<ChunkHit> ToHits(List<(int Index, float Score)> ranking) =>
        ranking.ConvertAll(r => new ChunkHit(Chunks[r.Index].Chunk, Chunks[r.Index].Document, r.Score));

    private List<(int Index, float Score)> SparseRanking(SparseQuery query, SearchFilter? filter, int top)
    {
        var scores = new float[Chunks.Length];
        foreach (var (term, weight) in query.Terms)
        {
            if (!_termIds.TryGetValue(term, out var id)) continue;
            var w = weight * _idf[id];
            var ids = _postingChunks[id];
            var ws = _postingWeights[id];
            for (var k = 0; k < ids.Length; k++) scores[ids[k]] += w * ws[k];
        }
        return Best(scores, filter, top, positiveOnly: true);
    }

    private List<(int Index, float Score)> DenseRanking(float[] query, SearchFilter? filter, int top)
    {
        var scores = new float[Chunks.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            var v = _vectors![i];
            scores[i] = v.Length == query.Length ? System.Numerics.Tensors.TensorPrimitives.Dot(v, query) : float.NegativeInfinity;
        }
        return Best(scores, filter, top, positiveOnly: false);
    }

    /// <summary>The best <paramref name="top"/> by score with a min-heap; ties broken by chunk order for stable results.</summary>
    private List<(int Index, float Score)> Best(float[] scores, SearchFilter? filter, int top, bool positiveOnly)
    {
        var heap = new PriorityQueue<int, (float Score, int NegIndex)>(top + 1);
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (positiveOnly ? s <= 0 : float.IsNegativeInfinity(s)) continue;
            if (filter is not null && !filter.Matches(Chunks[i].Document)) continue;
            heap.Enqueue(i, (s, -i));
            if (heap.Count > top) heap.Dequeue();
        }
        var best = new List<(int, float)>(heap.Count);
        while (heap.TryDequeue(out var i, out var p)) best.Add((i, p.Score));
        best.Reverse();
        return best;
    }
}
