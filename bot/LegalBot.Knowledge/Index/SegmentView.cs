namespace LegalBot.Knowledge.Index;

/// <summary>
/// A segment as one snapshot sees it: which of its documents are deleted, and what those deleted chunks
/// contributed to the corpus statistics (document frequencies, field lengths), so the snapshot can subtract
/// them. Deleting a document re-analyses only that document; the segment's postings stay untouched until a
/// merge drops the deleted chunks for good.
/// </summary>
internal sealed class SegmentView
{
    private static readonly Dictionary<string, int> NoDeletedFrequencies = new(StringComparer.Ordinal);

    private readonly bool[]? _deleted;
    private readonly Dictionary<string, int> _deletedFrequencies;

    public SegmentView(IndexSegment segment) : this(segment, null, NoDeletedFrequencies, new long[AnalyzedChunk.FieldCount], 0, 0) { }

    private SegmentView(IndexSegment segment, bool[]? deleted, Dictionary<string, int> deletedFrequencies, long[] deletedLengthSums, int deletedChunks, int deletedDocuments)
    {
        Segment = segment;
        _deleted = deleted;
        _deletedFrequencies = deletedFrequencies;
        DeletedLengthSums = deletedLengthSums;
        DeletedChunks = deletedChunks;
        DeletedDocuments = deletedDocuments;
    }

    public IndexSegment Segment { get; }
    public long[] DeletedLengthSums { get; }
    public int DeletedChunks { get; }
    public int DeletedDocuments { get; }
    public int LiveChunks => Segment.Chunks.Length - DeletedChunks;
    public int LiveDocuments => Segment.Documents.Length - DeletedDocuments;

    public bool IsDeleted(int document) => _deleted is not null && _deleted[document];

    public IEnumerable<IndexedDocument> LiveDocumentsInOrder() =>
        Segment.Documents.Where((_, d) => !IsDeleted(d));

    /// <summary>Live chunks of this segment that contain the term.</summary>
    public int DocumentFrequency(string term)
    {
        var df = Segment.DocumentFrequency(term);
        return df == 0 || _deletedFrequencies.Count == 0 ? df : df - _deletedFrequencies.GetValueOrDefault(term);
    }

    /// <summary>A view with <paramref name="document"/> deleted; its statistics come from re-analysing that document alone.</summary>
    public SegmentView Delete(int document, SparseEncoder encoder)
    {
        if (IsDeleted(document)) return this;
        var deleted = _deleted is null ? new bool[Segment.Documents.Length] : (bool[])_deleted.Clone();
        deleted[document] = true;
        var frequencies = new Dictionary<string, int>(_deletedFrequencies, StringComparer.Ordinal);
        var lengthSums = (long[])DeletedLengthSums.Clone();
        var doc = Segment.Documents[document].Document;
        Span<bool> indexed = stackalloc bool[AnalyzedChunk.FieldCount];
        for (var f = 0; f < indexed.Length; f++) indexed[f] = encoder.Parameters.FieldWeight(f) != 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in doc.Chunks)
        {
            var analyzed = encoder.Analyze(chunk, doc.Info);
            seen.Clear();
            for (var f = 0; f < AnalyzedChunk.FieldCount; f++)
            {
                lengthSums[f] += analyzed.FieldLengths[f];
                if (!indexed[f]) continue;
                foreach (var term in analyzed.FieldFrequencies[f].Keys)
                {
                    if (seen.Add(term)) frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
                }
            }
        }
        return new SegmentView(Segment, deleted, frequencies, lengthSums, DeletedChunks + doc.Chunks.Count, DeletedDocuments + 1);
    }
}
