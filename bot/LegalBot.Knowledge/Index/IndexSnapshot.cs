using System.Buffers;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Index;

/// <summary>
/// An immutable view of the index: a list of segments with their deletions, and the corpus statistics
/// (chunk count, document frequencies, average field lengths) over the live chunks. Readers search it
/// lock-free; the writer derives the next snapshot with <see cref="Apply"/>, which builds a segment for the
/// changed documents only and shares every other segment. Rankings equal those of one index built from
/// scratch over the same documents: scores use the same statistics and arithmetic, and ties are broken by
/// the chunk's position in document-id order, as a full build numbers them.
/// </summary>
internal sealed class IndexSnapshot
{
    /// <summary>Merge the newest segment into the one before it while that is at most this many times larger.</summary>
    internal const int MergeFactor = 2;

    private readonly SparseEncoder _encoder;
    private readonly SegmentView[] _views;
    // Per view: each chunk's field factors for this snapshot's averages (see IndexSegment.ChunkNorms).
    private readonly float[][] _chunkNorms;
    // Per view, per segment-local document: the global number of its first chunk (-1 when deleted).
    private readonly int[][] _firstChunk;
    private readonly Dictionary<string, (int View, int Document)> _locations;

    private IndexSnapshot(SparseEncoder encoder, SegmentView[] views)
    {
        _encoder = encoder;
        _views = views;
        var sums = new long[AnalyzedChunk.FieldCount];
        var max = new int[AnalyzedChunk.FieldCount];
        var live = new List<(string Id, int View, int Document)>();
        foreach (var (view, v) in views.Select((x, i) => (x, i)))
        {
            ChunkCount += view.LiveChunks;
            for (var f = 0; f < sums.Length; f++)
            {
                sums[f] += view.Segment.LengthSums[f] - view.DeletedLengthSums[f];
                max[f] = Math.Max(max[f], view.Segment.MaxLengths[f]);
            }
            for (var d = 0; d < view.Segment.Documents.Length; d++)
                if (!view.IsDeleted(d)) live.Add((view.Segment.Documents[d].Id, v, d));
        }
        AverageLengths = SparseEncoder.AverageLengths(sums, ChunkCount);
        var norms = FieldNorms.Create(encoder, AverageLengths, max);
        _chunkNorms = views.Select(v => v.Segment.ChunkNorms(norms)).ToArray();

        live.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        _firstChunk = views.Select(v => Enumerable.Repeat(-1, v.Segment.Documents.Length).ToArray()).ToArray();
        _locations = new Dictionary<string, (int, int)>(live.Count, StringComparer.Ordinal);
        var documents = new List<DocumentInfo>(live.Count);
        ChunksByDocument = new Dictionary<string, KnowledgeChunk[]>(live.Count, StringComparer.Ordinal);
        var next = 0;
        HasVectors = live.Count > 0;
        foreach (var (id, v, d) in live)
        {
            var indexed = views[v].Segment.Documents[d];
            _locations[id] = (v, d);
            _firstChunk[v][d] = next;
            next += indexed.Document.Chunks.Count;
            HasVectors &= indexed.Vectors is not null;
            if (indexed.Document.Chunks.Count == 0) continue;
            documents.Add(indexed.Document.Info);
            ChunksByDocument[id] = views[v].Segment.ChunksByOrdinal[d];
        }
        Documents = documents.ToArray();
    }

    public static IndexSnapshot Empty { get; } = new(SparseEncoder.Default, []);

    /// <summary>An empty snapshot that analyses with <paramref name="encoder"/>.</summary>
    public static IndexSnapshot Create(SparseEncoder encoder) => new(encoder, []);

    /// <summary>Documents with at least one chunk, in id order.</summary>
    public DocumentInfo[] Documents { get; }
    public Dictionary<string, KnowledgeChunk[]> ChunksByDocument { get; }
    public int ChunkCount { get; }
    public float[] AverageLengths { get; }
    public bool HasVectors { get; }
    public int SegmentCount => _views.Length;
    public IEnumerable<IndexSegment> Segments => _views.Select(v => v.Segment);

    /// <summary>Every served document, including those without chunks (what the writer compares a batch with).</summary>
    public IndexedDocument? Find(string id) =>
        _locations.TryGetValue(id, out var at) ? _views[at.View].Segment.Documents[at.Document] : null;

    public int DocumentCount => _locations.Count;

    public IEnumerable<IndexedDocument> AllDocuments => _locations.Values.Select(at => _views[at.View].Segment.Documents[at.Document]);

    /// <summary>
    /// The next snapshot: <paramref name="deletes"/> and the old versions of <paramref name="upserts"/> are
    /// marked deleted in their segments, the upserts become one new segment, then small segments are merged.
    /// The cost follows the changed documents (and the merges they trigger), not the corpus.
    /// </summary>
    public IndexSnapshot Apply(IReadOnlyCollection<IndexedDocument> upserts, IReadOnlyCollection<string> deletes, CancellationToken cancellationToken = default)
    {
        var views = _views.ToList();
        foreach (var id in deletes.Concat(upserts.Select(u => u.Id)))
        {
            if (_locations.TryGetValue(id, out var at)) views[at.View] = views[at.View].Delete(at.Document, _encoder);
        }
        if (upserts.Count > 0)
        {
            var added = upserts.DistinctBy(u => u.Id).OrderBy(u => u.Id, StringComparer.Ordinal).ToList();
            views.Add(new SegmentView(IndexSegment.Build(added, _encoder, cancellationToken)));
        }
        views.RemoveAll(v => v.LiveDocuments == 0);
        for (var i = 0; i < views.Count; i++)
        {
            // Mostly deleted: rewrite it, so dead postings never outweigh live ones.
            if (views[i].DeletedChunks * 2 > views[i].Segment.Chunks.Length) views[i] = Rebuild(views[i].LiveDocumentsInOrder(), cancellationToken);
        }
        // Logarithmic merging: segment sizes grow geometrically, so each chunk is rewritten O(log n) times.
        while (views.Count >= 2 && views[^2].LiveChunks <= MergeFactor * views[^1].LiveChunks)
        {
            var merged = Rebuild(views[^2].LiveDocumentsInOrder().Concat(views[^1].LiveDocumentsInOrder()), cancellationToken);
            views.RemoveRange(views.Count - 2, 2);
            views.Add(merged);
        }
        return new IndexSnapshot(_encoder, views.ToArray());
    }

    private SegmentView Rebuild(IEnumerable<IndexedDocument> documents, CancellationToken cancellationToken) =>
        new(IndexSegment.Build(documents.OrderBy(d => d.Id, StringComparer.Ordinal).ToList(), _encoder, cancellationToken));

    public List<ChunkHit> Search(SparseQuery query, SearchFilter? filter, int top) => Search(new IndexQuery(query), filter, top);

    public List<ChunkHit> Search(IndexQuery query, SearchFilter? filter, int top) => Search(query, [new SearchRequest(filter, top)])[0];

    /// <summary>
    /// One ranking per request from a single scoring pass: the scores do not depend on the filter, so the
    /// retriever's named-statute search and its whole-corpus search share the work over the postings.
    /// Each list equals what <see cref="Search(IndexQuery, SearchFilter?, int)"/> returns for that request.
    /// </summary>
    public List<List<ChunkHit>> Search(IndexQuery query, IReadOnlyList<SearchRequest> requests)
    {
        var results = new List<List<ChunkHit>>(requests.Count);
        if (ChunkCount == 0 || requests.All(r => r.Top <= 0))
        {
            foreach (var _ in requests) results.Add([]);
            return results;
        }
        var dense = query.Dense is not null && HasVectors;
        var sparseScores = SparseScores(query.Sparse);
        var denseScores = dense ? DenseScores(query.Dense!) : null;
        try
        {
            foreach (var (filter, top) in requests)
            {
                if (top <= 0) results.Add([]);
                else if (!dense) results.Add(ToHits(Best(sparseScores, filter, top, positiveOnly: true)));
                else results.Add(Fuse(Best(sparseScores, filter, Rrf.Depth(top), positiveOnly: true), Best(denseScores!, filter, Rrf.Depth(top), positiveOnly: false), top));
            }
            return results;
        }
        finally
        {
            Return(sparseScores);
            if (denseScores is not null) Return(denseScores);
        }
    }

    private List<ChunkHit> Fuse(List<Hit> sparse, List<Hit> dense, int top)
    {
        var fused = new Dictionary<int, (double Score, Hit Hit)>();
        foreach (var ranking in new[] { sparse, dense })
        {
            for (var r = 0; r < ranking.Count; r++)
            {
                var hit = ranking[r];
                fused[hit.Global] = (fused.GetValueOrDefault(hit.Global).Score + Rrf.Score(r + 1), hit);
            }
        }
        return fused.OrderByDescending(kv => kv.Value.Score).ThenBy(kv => kv.Key).Take(top)
            .Select(kv => ToHit(kv.Value.Hit, kv.Value.Score)).ToList();
    }

    private readonly record struct Hit(int View, int Chunk, int Global, float Score);

    private List<ChunkHit> ToHits(List<Hit> ranking) => ranking.ConvertAll(h => ToHit(h, h.Score));

    private ChunkHit ToHit(Hit hit, double score)
    {
        var segment = _views[hit.View].Segment;
        return new ChunkHit(segment.Chunks[hit.Chunk], segment.Documents[segment.ChunkDocument[hit.Chunk]].Document.Info, score);
    }

    /// <summary>Per view, each chunk's sparse score (pooled arrays: give them back with <see cref="Return"/>).</summary>
    private float[][] SparseScores(SparseQuery query)
    {
        var scores = RentScores();
        var k1 = _encoder.Parameters.K1;
        foreach (var (term, weight) in query.Terms)
        {
            var df = 0;
            foreach (var view in _views) df += view.DocumentFrequency(term);
            if (df == 0) continue;
            var w = weight * SparseEncoder.Idf(ChunkCount, df);
            for (var v = 0; v < _views.Length; v++) _views[v].Segment.Accumulate(term, w, _chunkNorms[v], k1, scores[v]);
        }
        return scores;
    }

    private float[][] DenseScores(float[] query)
    {
        var scores = RentScores();
        for (var v = 0; v < _views.Length; v++)
        {
            var segment = _views[v].Segment;
            for (var c = 0; c < segment.Chunks.Length; c++)
            {
                var vector = segment.Documents[segment.ChunkDocument[c]].Vectors?[segment.ChunkPosition[c]];
                scores[v][c] = vector is not null && vector.Length == query.Length
                    ? System.Numerics.Tensors.TensorPrimitives.Dot(vector, query) : float.NegativeInfinity;
            }
        }
        return scores;
    }

    private static void Return(float[][] scores)
    {
        foreach (var s in scores) ArrayPool<float>.Shared.Return(s);
    }

    private float[][] RentScores()
    {
        var scores = new float[_views.Length][];
        for (var v = 0; v < scores.Length; v++)
        {
            var length = _views[v].Segment.Chunks.Length;
            scores[v] = ArrayPool<float>.Shared.Rent(length);
            Array.Clear(scores[v], 0, length);
        }
        return scores;
    }

    /// <summary>The best <paramref name="top"/> live chunks by score with a min-heap; ties go to the lower global chunk number.</summary>
    private List<Hit> Best(float[][] scores, SearchFilter? filter, int top, bool positiveOnly)
    {
        var heap = new PriorityQueue<Hit, (float Score, int NegIndex)>(top + 1);
        // Once the heap is full, its minimum is the bar: a chunk below it would be enqueued only to be dequeued again,
        // so it is skipped before the heap, the deletion check and the filter (the result is the same).
        var full = false;
        (float Score, int NegIndex) bar = default;
        for (var v = 0; v < _views.Length; v++)
        {
            var segment = _views[v].Segment;
            var first = _firstChunk[v];
            var s = scores[v];
            for (var c = 0; c < segment.Chunks.Length; c++)
            {
                var score = s[c];
                if (positiveOnly ? score <= 0 : float.IsNegativeInfinity(score)) continue;
                if (full && score < bar.Score) continue;
                var d = segment.ChunkDocument[c];
                if (first[d] < 0) continue;
                var global = first[d] + segment.ChunkPosition[c];
                if (full && score == bar.Score && -global < bar.NegIndex) continue;
                if (filter is not null && !filter.Matches(segment.Documents[d].Document.Info)) continue;
                heap.Enqueue(new Hit(v, c, global, score), (score, -global));
                if (heap.Count > top) heap.Dequeue();
                if (heap.Count == top) full = heap.TryPeek(out _, out bar);
            }
        }
        var best = new List<Hit>(heap.Count);
        while (heap.TryDequeue(out var hit, out _)) best.Add(hit);
        best.Reverse();
        return best;
    }
}
