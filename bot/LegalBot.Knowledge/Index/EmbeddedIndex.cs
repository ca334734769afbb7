using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Embeddings;

namespace LegalBot.Knowledge.Index;

/// <summary>
/// The default, in-process index: BM25F over character n-grams, persisted under a data directory.
/// Updates are incremental: a changed document is analysed into a new small segment, its old version is
/// marked deleted, and corpus statistics are adjusted by that document alone (see <see cref="IndexSnapshot"/>).
/// Each update yields a new snapshot that is swapped in atomically; searches run lock-free against the current one.
/// </summary>
public sealed class EmbeddedIndex : IKnowledgeIndex, IMultiSearchIndex, IDisposable
{
    private readonly SparseEncoder _encoder;
    private readonly IndexStore? _store;
    private readonly ChunkEmbedder? _embedder;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private volatile IndexSnapshot _snapshot;

    private EmbeddedIndex(SparseEncoder encoder, IndexStore? store, ChunkEmbedder? embedder)
    {
        _encoder = encoder;
        _store = store;
        _embedder = embedder;
        _snapshot = IndexSnapshot.Create(encoder);
    }

    public SparseEncoder Encoder => _encoder;

    /// <summary>A problem met while loading the persisted index (it is then rebuilt from the folder), or null.</summary>
    public string? LoadProblem { get; private set; }

    public int ChunkCount => _snapshot.ChunkCount;

    /// <summary>How many segments the index is split into now (merged logarithmically as updates come in).</summary>
    public int SegmentCount => _snapshot.SegmentCount;

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
            var entries = new List<IndexedDocument>(documents.Count);
            foreach (var d in documents) entries.Add(await index.CreateEntryAsync(d, cancellationToken).ConfigureAwait(false));
            index._snapshot = index._snapshot.Apply(entries, [], cancellationToken);
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
            // Work aside: if anything below throws, the served snapshot stays as it was.
            var current = _snapshot;
            var upserts = new Dictionary<string, IndexedDocument>(StringComparer.Ordinal);
            var deletes = new HashSet<string>(StringComparer.Ordinal);
            int added = 0, changed = 0, removed = 0;
            foreach (var id in batch.Deletes)
            {
                if (current.Find(id) is not null && deletes.Add(id)) removed++;
            }
            foreach (var doc in batch.Upserts)
            {
                var old = deletes.Contains(doc.Info.Id) ? null : current.Find(doc.Info.Id);
                if (old is not null)
                {
                    if (old.Document.Info.FileHash == doc.Info.FileHash && old.Document.Info.SourcePath == doc.Info.SourcePath) continue;
                    changed++;
                }
                else
                {
                    added++;
                }
                upserts[doc.Info.Id] = await CreateEntryAsync(doc, cancellationToken).ConfigureAwait(false);
            }
            var embedded = false;
            if (_embedder is not null)
            {
                // Documents indexed while the endpoint was down get their vectors as soon as it answers again.
                foreach (var entry in current.AllDocuments.Where(e => e.Vectors is null && !deletes.Contains(e.Id) && !upserts.ContainsKey(e.Id)).OrderBy(e => e.Id, StringComparer.Ordinal).ToList())
                {
                    var retried = await CreateEntryAsync(entry.Document, cancellationToken).ConfigureAwait(false);
                    if (retried.Vectors is null) break;
                    upserts[entry.Id] = retried;
                    embedded = true;
                }
                await _embedder.Cache.SaveAsync(cancellationToken).ConfigureAwait(false);
            }
            if (added + changed + removed > 0 || embedded)
            {
                var snapshot = current.Apply(upserts.Values, deletes, cancellationToken);
                if (_store is not null)
                {
                    await _store.SaveAsync(upserts.Values.Select(u => u.Document).ToList(), deletes, cancellationToken).ConfigureAwait(false);
                }
                _snapshot = snapshot;
            }
            return new IndexChangeSummary(added, changed, removed, _snapshot.DocumentCount, _snapshot.ChunkCount);
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

    public Task<IReadOnlyList<IReadOnlyList<ChunkHit>>> SearchAsync(IndexQuery query, IReadOnlyList<SearchRequest> requests, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<IReadOnlyList<ChunkHit>>>(_snapshot.Search(query, requests));
    }

    private async Task<IndexedDocument> CreateEntryAsync(KnowledgeDocument d, CancellationToken cancellationToken)
    {
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
        return new IndexedDocument(d, vectors);
    }

    public void Dispose() => _writeLock.Dispose();
}
