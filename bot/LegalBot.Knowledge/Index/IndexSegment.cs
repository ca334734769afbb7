using System.Numerics;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Index;

/// <summary>A document as the embedded index holds it: the parsed document and, with embeddings on, one vector per chunk.</summary>
internal sealed record IndexedDocument(KnowledgeDocument Document, float[][]? Vectors)
{
    public string Id => Document.Info.Id;
}

/// <summary>
/// An immutable run of documents with their own inverted index. Postings keep raw per-field term frequencies
/// and chunks keep their field lengths, so nothing in a segment depends on corpus-wide statistics: the BM25F
/// length normalisation and the IDF are applied at search time from the snapshot's current totals. A staff
/// edit therefore builds one small segment for the changed file and leaves every other segment as it is.
/// </summary>
internal sealed class IndexSegment
{
    private const int Fields = AnalyzedChunk.FieldCount;

    private readonly Dictionary<string, int> _terms;
    // Term-major postings (CSR): term t owns [_postingStart[t], _postingStart[t + 1]) of the chunk and mask
    // arrays, and its frequencies start at _tfStart[t], one per set bit of each mask, in field order.
    private readonly int[] _postingStart;
    private readonly int[] _postingChunk;
    private readonly byte[] _postingMask;
    private readonly int[] _tfStart;
    private readonly float[] _tf;

    private IndexSegment(IndexedDocument[] documents, KnowledgeChunk[] chunks, int[] chunkDocument, int[] chunkPosition,
        int[] fieldLengths, Dictionary<string, int> terms, int[] postingStart, int[] postingChunk, byte[] postingMask, int[] tfStart, float[] tf)
    {
        Documents = documents;
        Chunks = chunks;
        ChunkDocument = chunkDocument;
        ChunkPosition = chunkPosition;
        FieldLengths = fieldLengths;
        _terms = terms;
        _postingStart = postingStart;
        _postingChunk = postingChunk;
        _postingMask = postingMask;
        _tfStart = tfStart;
        _tf = tf;
        ChunksByOrdinal = documents.Select(d => d.Document.Chunks.OrderBy(c => c.Ordinal).ToArray()).ToArray();
        for (var c = 0; c < chunks.Length; c++)
        {
            for (var f = 0; f < Fields; f++)
            {
                var length = fieldLengths[c * Fields + f];
                LengthSums[f] += length;
                MaxLengths[f] = Math.Max(MaxLengths[f], length);
            }
        }
    }

    public IndexedDocument[] Documents { get; }
    public KnowledgeChunk[] Chunks { get; }
    /// <summary>Segment-local document of each chunk.</summary>
    public int[] ChunkDocument { get; }
    /// <summary>Position of each chunk within its document's chunk list.</summary>
    public int[] ChunkPosition { get; }
    /// <summary>Each document's chunks in ordinal order (what <see cref="IKnowledgeIndex.GetChunksAsync"/> returns).</summary>
    public KnowledgeChunk[][] ChunksByOrdinal { get; }
    /// <summary>Token count of each chunk's fields, chunk-major (chunk × <see cref="AnalyzedChunk.FieldCount"/> + field).</summary>
    public int[] FieldLengths { get; }
    public long[] LengthSums { get; } = new long[Fields];
    public int[] MaxLengths { get; } = new int[Fields];
    public int TermCount => _terms.Count;
    public int PostingCount => _postingChunk.Length;

    /// <summary>
    /// Tokenizes the documents' chunks and builds their postings. Tokens go straight to term ids (no per-chunk
    /// dictionaries), counted exactly as <see cref="SparseEncoder.Analyze"/> counts them.
    /// </summary>
    public static IndexSegment Build(IReadOnlyList<IndexedDocument> documents, SparseEncoder encoder, CancellationToken cancellationToken = default)
    {
        var chunkCount = documents.Sum(d => d.Document.Chunks.Count);
        var chunks = new KnowledgeChunk[chunkCount];
        var chunkDocument = new int[chunkCount];
        var chunkPosition = new int[chunkCount];
        var fieldLengths = new int[chunkCount * Fields];
        Span<bool> indexed = stackalloc bool[Fields];
        for (var f = 0; f < Fields; f++) indexed[f] = encoder.Parameters.FieldWeight(f) != 0;

        // Chunk-major pass: count each chunk's terms per field, then scatter term-major.
        var terms = new Dictionary<string, int>(StringComparer.Ordinal);
        var lastChunk = new List<int>();   // per term: 1 + the last chunk it was seen in
        var slotOf = new List<int>();      // per term: its slot in the current chunk
        var rawTerm = new List<int>(chunkCount * 64);
        var rawMask = new List<byte>(chunkCount * 64);
        var rawTf = new List<float>(chunkCount * 72);
        var rawChunkStart = new int[chunkCount + 1];
        var slotTerm = new List<int>();
        var slotMask = new List<byte>();
        var slotTf = new List<float[]>();
        var c = 0;
        // Tokenizing is half the work: the next document is tokenized on another core while this one is counted.
        List<string>[][] TokenizeDocument(int d)
        {
            var doc = documents[d].Document;
            return doc.Chunks.Select(chunk => encoder.Tokenize(chunk, doc.Info)).ToArray();
        }
        var ahead = documents.Count > 0 ? Task.Run(() => TokenizeDocument(0), cancellationToken) : null;
        for (var d = 0; d < documents.Count; d++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var doc = documents[d].Document;
            var tokens = ahead!.GetAwaiter().GetResult();
            var following = d + 1;
            ahead = following < documents.Count ? Task.Run(() => TokenizeDocument(following), cancellationToken) : null;
            for (var p = 0; p < doc.Chunks.Count; p++, c++)
            {
                chunks[c] = doc.Chunks[p];
                chunkDocument[c] = d;
                chunkPosition[c] = p;
                slotTerm.Clear();
                slotMask.Clear();
                var fields = tokens[p];
                for (var f = 0; f < Fields; f++)
                {
                    fieldLengths[c * Fields + f] = fields[f].Count;
                    if (!indexed[f]) continue;
                    foreach (var term in fields[f])
                    {
                        if (!terms.TryGetValue(term, out var id))
                        {
                            terms.Add(term, id = terms.Count);
                            lastChunk.Add(0);
                            slotOf.Add(0);
                        }
                        int slot;
                        if (lastChunk[id] != c + 1)
                        {
                            lastChunk[id] = c + 1;
                            slotOf[id] = slot = slotTerm.Count;
                            slotTerm.Add(id);
                            slotMask.Add(0);
                            if (slot == slotTf.Count) slotTf.Add(new float[Fields]);
                            Array.Clear(slotTf[slot]);
                        }
                        else
                        {
                            slot = slotOf[id];
                        }
                        slotMask[slot] |= (byte)(1 << f);
                        slotTf[slot][f] += 1;
                    }
                }
                for (var slot = 0; slot < slotTerm.Count; slot++)
                {
                    rawTerm.Add(slotTerm[slot]);
                    rawMask.Add(slotMask[slot]);
                    var tfs = slotTf[slot];
                    for (var m = (uint)slotMask[slot]; m != 0; m &= m - 1) rawTf.Add(tfs[BitOperations.TrailingZeroCount(m)]);
                }
                rawChunkStart[c + 1] = rawTerm.Count;
            }
        }

        var termCount = terms.Count;
        var postingStart = new int[termCount + 1];
        var tfStart = new int[termCount + 1];
        for (var k = 0; k < rawTerm.Count; k++)
        {
            postingStart[rawTerm[k] + 1]++;
            tfStart[rawTerm[k] + 1] += BitOperations.PopCount(rawMask[k]);
        }
        for (var t = 0; t < termCount; t++)
        {
            postingStart[t + 1] += postingStart[t];
            tfStart[t + 1] += tfStart[t];
        }
        var postingChunk = new int[rawTerm.Count];
        var postingMask = new byte[rawTerm.Count];
        var tfValues = new float[rawTf.Count];
        var nextPosting = postingStart[..termCount];
        var nextTf = tfStart[..termCount];
        var r = 0;
        for (c = 0; c < chunkCount; c++)
        {
            for (var k = rawChunkStart[c]; k < rawChunkStart[c + 1]; k++)
            {
                var id = rawTerm[k];
                var mask = rawMask[k];
                var at = nextPosting[id]++;
                postingChunk[at] = c;
                postingMask[at] = mask;
                for (var n = BitOperations.PopCount(mask); n > 0; n--) tfValues[nextTf[id]++] = rawTf[r++];
            }
        }
        return new IndexSegment(documents.ToArray(), chunks, chunkDocument, chunkPosition, fieldLengths, terms,
            postingStart, postingChunk, postingMask, tfStart, tfValues);
    }

    /// <summary>How many of this segment's chunks contain the term (deleted ones included), or 0.</summary>
    public int DocumentFrequency(string term) =>
        _terms.TryGetValue(term, out var t) ? _postingStart[t + 1] - _postingStart[t] : 0;

    /// <summary>
    /// Each chunk's BM25F field factors for the snapshot's current averages, chunk-major like
    /// <see cref="FieldLengths"/>: the values of <paramref name="norms"/> looked up once per chunk, so a posting
    /// costs one multiply-add per field instead of two dependent loads. The snapshot computes it once (chunks × fields,
    /// far less than the postings), and the numbers are the very floats the length table holds, so scores do not move.
    /// </summary>
    public float[] ChunkNorms(float[][] norms)
    {
        var result = new float[FieldLengths.Length];
        for (var i = 0; i < result.Length; i++) result[i] = norms[i % Fields][FieldLengths[i]];
        return result;
    }

    /// <summary>
    /// Adds weight × saturated BM25F pseudo-frequency of <paramref name="term"/> to each chunk's score. The
    /// arithmetic is <see cref="SparseEncoder.Encode"/>'s, operation for operation, so scores equal the
    /// dot product of the query with the encoded chunk vectors bit for bit.
    /// </summary>
    /// <param name="chunkNorms">This segment's <see cref="ChunkNorms"/> for the current averages.</param>
    public void Accumulate(string term, float weight, float[] chunkNorms, float k1, float[] scores)
    {
        if (!_terms.TryGetValue(term, out var t)) return;
        var tfAt = _tfStart[t];
        var k1Plus1 = k1 + 1;
        var end = _postingStart[t + 1];
        var chunk = _postingChunk.AsSpan();
        var masks = _postingMask.AsSpan();
        var tf = _tf.AsSpan();
        var chunkScores = scores.AsSpan(0, Chunks.Length);
        for (var k = _postingStart[t]; k < end; k++)
        {
            var c = chunk[k];
            var at = c * Fields;
            uint m = masks[k];
            float pseudo;
            if ((m & (m - 1)) == 0)
            {
                // One field (most postings): 0 + tf·norm, the same float as the general loop gives.
                pseudo = 0f + tf[tfAt++] * chunkNorms[at + BitOperations.TrailingZeroCount(m)];
            }
            else
            {
                pseudo = 0f;
                for (; m != 0; m &= m - 1) pseudo += tf[tfAt++] * chunkNorms[at + BitOperations.TrailingZeroCount(m)];
            }
            chunkScores[c] += weight * (pseudo * k1Plus1 / (pseudo + k1));
        }
    }
}

/// <summary>BM25F length normalisation for every field length up to the corpus maximum, for the current averages.</summary>
internal static class FieldNorms
{
    public static float[][] Create(SparseEncoder encoder, float[] averageLengths, int[] maxLengths)
    {
        var norms = new float[AnalyzedChunk.FieldCount][];
        for (var f = 0; f < norms.Length; f++)
        {
            norms[f] = new float[maxLengths[f] + 1];
            for (var length = 0; length < norms[f].Length; length++) norms[f][length] = encoder.FieldNorm(f, length, averageLengths[f]);
        }
        return norms;
    }
}
