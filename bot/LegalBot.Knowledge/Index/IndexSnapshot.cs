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

    private IndexSnapshot(AnalyzedChunk[] chunks, Dictionary<string, int> termIds, int[][] postingChunks,
        float[][] postingWeights, float[] idf, Dictionary<string, KnowledgeChunk[]> byDocument, DocumentInfo[] documents)
    {
        Chunks = chunks;
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

    public static IndexSnapshot Build(IReadOnlyList<AnalyzedChunk> analyzed, SparseEncoder encoder)
    {
        var chunks = analyzed.ToArray();
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
        return new IndexSnapshot(chunks, termIds, postingChunks, postingWeights, idf, byDocument, documents);
    }

    public List<ChunkHit> Search(SparseQuery query, SearchFilter? filter, int top)
    {
        if (top <= 0 || Chunks.Length == 0) return [];
        var scores = new float[Chunks.Length];
        foreach (var (term, weight) in query.Terms)
        {
            if (!_termIds.TryGetValue(term, out var id)) continue;
            var w = weight * _idf[id];
            var ids = _postingChunks[id];
            var ws = _postingWeights[id];
            for (var k = 0; k < ids.Length; k++) scores[ids[k]] += w * ws[k];
        }
        // Keep the best `top` with a min-heap; ties broken by chunk order for stable results.
        var heap = new PriorityQueue<int, (float Score, int NegIndex)>(top + 1);
        for (var i = 0; i < scores.Length; i++)
        {
            var s = scores[i];
            if (s <= 0) continue;
            if (filter is not null && !filter.Matches(Chunks[i].Document)) continue;
            heap.Enqueue(i, (s, -i));
            if (heap.Count > top) heap.Dequeue();
        }
        var hits = new List<ChunkHit>(heap.Count);
        while (heap.TryDequeue(out var i, out var p)) hits.Add(new ChunkHit(Chunks[i].Chunk, Chunks[i].Document, p.Score));
        hits.Reverse();
        return hits;
    }
}
