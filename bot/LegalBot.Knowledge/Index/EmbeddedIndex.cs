using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Index;

/// <summary>
/// The default, in-process index: BM25F over character n-grams, persisted under a data directory.
/// Updates are incremental (only upserted documents are re-analysed), built aside and swapped atomically;
/// searches run lock-free against the current snapshot.
/// </summary>
public sealed class EmbeddedIndex : IKnowledgeIndex, IDisposable
{
    private readonly SparseEncoder _encoder;
    private readonly IndexStore? _store;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // Writer-owned state: the analysed chunks of every document, reused across updates.
    private Dictionary<string, (KnowledgeDocument Document, AnalyzedChunk[] Chunks)> _documents = new(StringComparer.Ordinal);
    private volatile IndexSnapshot _snapshot = IndexSnapshot.Empty;

    private EmbeddedIndex(SparseEncoder encoder, IndexStore? store)
    {
        _encoder = encoder;
        _store = store;
    }

    public SparseEncoder Encoder => _encoder;

    /// <summary>A problem met while loading the persisted index (it is then rebuilt from the folder), or null.</summary>
    public string? LoadProblem { get; private set; }

    public int ChunkCount => _snapshot.Chunks.Length;
    public int TermCount => _snapshot.TermCount;

    /// <summary>Opens the index stored in <paramref name="dataDirectory"/>, or an in-memory one when it is null.</summary>
    public static async Task<EmbeddedIndex> OpenAsync(string? dataDirectory, SparseEncoder? encoder = null, CancellationToken cancellationToken = default)
    {
        var index = new EmbeddedIndex(encoder ?? SparseEncoder.Default, dataDirectory is null ? null : new IndexStore(dataDirectory));
        if (index._store is not null)
        {
            var (documents, problem) = await index._store.LoadAsync(cancellationToken).ConfigureAwait(false);
            index.LoadProblem = problem;
            foreach (var d in documents) index._documents[d.Info.Id] = (d, index.AnalyzeDocument(d));
            index._snapshot = IndexSnapshot.Build(AllChunks(index._documents), index._encoder);
        }
        return index;
    }

    public ValueTask<IReadOnlyList<DocumentInfo>> GetDocumentsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<DocumentInfo>>(_snapshot.Documents);

    public ValueTask<IReadOnlyList<KnowledgeChunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<KnowledgeChunk>>(
            _snapshot.ChunksByDocument.TryGetValue(documentId, out var chunks) ? chunks : []);

    public async Task<IndexChangeSummary> ApplyAsync(IndexBatch batch, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Work on a copy: if anything below throws, the served snapshot and writer state stay as they were.
            var next = new Dictionary<string, (KnowledgeDocument Document, AnalyzedChunk[] Chunks)>(_documents, StringComparer.Ordinal);
            int added = 0, changed = 0, removed = 0;
            foreach (var id in batch.Deletes)
            {
                if (next.Remove(id)) removed++;
            }
            foreach (var doc in batch.Upserts)
            {
                if (next.TryGetValue(doc.Info.Id, out var old))
                {
                    if (old.Document.Info.FileHash == doc.Info.FileHash && old.Document.Info.SourcePath == doc.Info.SourcePath) continue;
                    changed++;
                }
                else
                {
                    added++;
                }
                next[doc.Info.Id] = (doc, AnalyzeDocument(doc));
            }
            if (added + changed + removed > 0)
            {
                var snapshot = IndexSnapshot.Build(AllChunks(next), _encoder);
                if (_store is not null)
                {
                    await _store.SaveAsync(next.Values.Select(v => v.Document).OrderBy(d => d.Info.Id, StringComparer.Ordinal).ToList(), cancellationToken).ConfigureAwait(false);
                }
                _documents = next;
                _snapshot = snapshot;
            }
            return new IndexChangeSummary(added, changed, removed, _documents.Count, _snapshot.Chunks.Length);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<IReadOnlyList<ChunkHit>> SearchAsync(SparseQuery query, SearchFilter? filter, int top, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<ChunkHit>>(_snapshot.Search(query, filter, top));
    }

    private AnalyzedChunk[] AnalyzeDocument(KnowledgeDocument d) =>
        d.Chunks.Select(c => _encoder.Analyze(c, d.Info)).ToArray();

    private static List<AnalyzedChunk> AllChunks(Dictionary<string, (KnowledgeDocument Document, AnalyzedChunk[] Chunks)> documents) =>
        documents.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Chunks).ToList();

    public void Dispose() => _writeLock.Dispose();
}
