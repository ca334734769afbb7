using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Embeddings;

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
    private readonly ChunkEmbedder? _embedder;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    // Writer-owned state: the analysed chunks (and embeddings) of every document, reused across updates.
    private Dictionary<string, Entry> _documents = new(StringComparer.Ordinal);
    private volatile IndexSnapshot _snapshot = IndexSnapshot.Empty;

    private sealed record Entry(KnowledgeDocument Document, AnalyzedChunk[] Chunks, float[][]? Vectors);

    private EmbeddedIndex(SparseEncoder encoder, IndexStore? store, ChunkEmbedder? embedder)
    {
        _encoder = encoder;
        _store = store;
        _embedder = embedder;
    }

    public SparseEncoder Encoder => _encoder;

    /// <summary>A problem met while loading the persisted index (it is then rebuilt from the folder), or null.</summary>
    public string? LoadProblem { get; private set; }

    public int ChunkCount => _snapshot.Chunks.Length;
    public int TermCount => _snapshot.TermCount;

    /// <summary>Opens the index stored in <paramref name="dataDirectory"/>, or an in-memory one when it is null.</summary>
    /// <param name="embedder">Dense embeddings for hybrid search, or null for sparse only.</param>
    public static async Task<EmbeddedIndex> OpenAsync(string? dataDirectory, SparseEncoder? encoder = null,
        ChunkEmbedder? embedder = null, CancellationToken cancellationToken = default)
    {
        var index = new EmbeddedIndex(encoder ?? SparseEncoder.Default, dataDirectory is null ? null : new IndexStore(dataDirectory), embedder);
        if (index._store is not null)
        {
            var (documents, problem) = await index._store.LoadAsync(cancellationToken).ConfigureAwait(false);
            index.LoadProblem = problem;
            foreach (var d in documents) index._documents[d.Info.Id] = await index.CreateEntryAsync(d, cancellationToken).ConfigureAwait(false);
            index._snapshot = Build(index._documents, index._encoder);
            if (embedder is not null) await embedder.Cache.SaveAsync(cancellationToken).ConfigureAwait(false);
        }
        return index;
    }

    /// <summary>True when searches can fuse dense similarity with the sparse ranking.</summary>
    public bool HasEmbeddings => _snapshot.HasVectors;

    /// <summary>
    /// Why the index is serving sparse-only although embeddings are configured (the endpoint failed), or null.
    /// Staff edits still go live; documents without vectors are embedded again on every update until it works.
    /// </summary>
    public string? EmbeddingProblem { get; private set; }

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
            var next = new Dictionary<string, Entry>(_documents, StringComparer.Ordinal);
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
                next[doc.Info.Id] = await CreateEntryAsync(doc, cancellationToken).ConfigureAwait(false);
            }
            var embedded = false;
            if (_embedder is not null)
            {
                // Documents indexed while the endpoint was down get their vectors as soon as it answers again.
                foreach (var (id, entry) in next.Where(kv => kv.Value.Vectors is null).ToList())
                {
                    var retried = await CreateEntryAsync(entry.Document, cancellationToken).ConfigureAwait(false);
                    if (retried.Vectors is null) break;
                    next[id] = retried;
                    embedded = true;
                }
                await _embedder.Cache.SaveAsync(cancellationToken).ConfigureAwait(false);
            }
            if (added + changed + removed > 0 || embedded)
            {
                var snapshot = Build(next, _encoder);
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

    public Task<IReadOnlyList<ChunkHit>> SearchAsync(IndexQuery query, SearchFilter? filter, int top, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<ChunkHit>>(_snapshot.Search(query, filter, top));
    }

    private async Task<Entry> CreateEntryAsync(KnowledgeDocument d, CancellationToken cancellationToken)
    {
        var analyzed = d.Chunks.Select(c => _encoder.Analyze(c, d.Info)).ToArray();
        float[][]? vectors = null;
        if (_embedder is not null)
        {
            try
            {
                vectors = await _embedder.EmbedChunksAsync(d.Chunks, d.Info, cancellationToken).ConfigureAwait(false);
                EmbeddingProblem = null;
            }
            catch (EmbeddingException ex)
            {
                // A model outage must not block staff edits: serve sparse-only until the endpoint is back.
                EmbeddingProblem = ex.Message;
            }
        }
        return new Entry(d, analyzed, vectors);
    }

    private static IndexSnapshot Build(Dictionary<string, Entry> documents, SparseEncoder encoder)
    {
        var ordered = documents.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
        var chunks = ordered.SelectMany(e => e.Chunks).ToList();
        var vectors = ordered.Count > 0 && ordered.TrueForAll(e => e.Vectors is not null) ? ordered.SelectMany(e => e.Vectors!).ToList() : null;
        return IndexSnapshot.Build(chunks, encoder, vectors);
    }

    public void Dispose() => _writeLock.Dispose();
}
