using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Embeddings;

namespace LegalBot.Knowledge.Index.Qdrant;

/// <summary>
/// <see cref="IKnowledgeIndex"/> over a Qdrant collection. Each chunk is a point with a named sparse vector
/// <c>text</c> (modifier idf) carrying the embedded index's BM25F document weights, a named dense vector
/// <c>dense</c> when embeddings are on, and the chunk and its document as payload.
/// <para>
/// Searches go through an alias (<see cref="QdrantSettings.Collection"/>). A full build goes into a new
/// physical collection that the alias is switched to in one request, so readers never see it half-built.
/// Incremental updates upload new points hidden (<c>live: false</c>), then one batch request shows them and
/// deletes the replaced ones; a failure before that leaves the old content served.
/// </para>
/// <para>
/// BM25F normalises by average field lengths. Qdrant cannot recompute document weights when they shift, so
/// the averages are frozen at build time (collection metadata) and an update that moves any of them by
/// more than <see cref="DriftLimit"/> rebuilds the collection instead.
/// </para>
/// </summary>
public sealed class QdrantIndex : IKnowledgeIndex, IDisposable
{
    public const string SparseVectorName = "text";
    public const string DenseVectorName = "dense";
    public const double DriftLimit = 0.10;
    // 2: a fifth BM25F field (question wordings) and chunks with questions and references.
    private const int SchemaVersion = 2;
    private const int PageSize = 256;

    private readonly QdrantClient _client;
    private readonly HttpClient _http;
    private readonly QdrantSettings _settings;
    private readonly SparseEncoder _encoder;
    private readonly ChunkEmbedder? _embedder;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private volatile DocumentCache? _documents;

    private sealed record DocumentCache(IReadOnlyList<DocumentInfo> Documents, DateTimeOffset FetchedAt);

    private QdrantIndex(QdrantSettings settings, SparseEncoder encoder, ChunkEmbedder? embedder, HttpMessageHandler? handler, TimeProvider? time)
    {
        _settings = settings;
        _encoder = encoder;
        _embedder = embedder;
        _time = time ?? TimeProvider.System;
        _http = QdrantClient.CreateHttpClient(settings, handler);
        _client = new QdrantClient(_http, settings, _time);
    }

    /// <summary>How long the document list (used on every search to recognise statute names) is cached.
    /// Updates made through this instance refresh it at once; other writers' within this time.</summary>
    public TimeSpan DocumentCacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    public string Alias => _settings.Collection;

    /// <summary>Connects and checks the collection behind the alias (if any) fits this configuration.</summary>
    /// <param name="forRebuild">Only check that Qdrant answers: the collection is about to be replaced, so it may not match.</param>
    /// <exception cref="QdrantException">Qdrant is unreachable, or the collection's schema does not match.</exception>
    public static async Task<QdrantIndex> OpenAsync(QdrantSettings settings, SparseEncoder encoder, ChunkEmbedder? embedder,
        HttpMessageHandler? handler = null, TimeProvider? time = null, bool forRebuild = false, CancellationToken cancellationToken = default)
    {
        var index = new QdrantIndex(settings, encoder, embedder, handler, time);
        try
        {
            if (forRebuild) await index.CurrentCollectionAsync(cancellationToken).ConfigureAwait(false);
            else await index.ResolveAsync(cancellationToken).ConfigureAwait(false);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    // ---------------- reads ----------------

    public async ValueTask<IReadOnlyList<DocumentInfo>> GetDocumentsAsync(CancellationToken cancellationToken)
    {
        var cache = _documents;
        if (cache is not null && _time.GetUtcNow() - cache.FetchedAt < DocumentCacheTtl) return cache.Documents;
        return await RefreshDocumentsAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<DocumentInfo>> RefreshDocumentsAsync(CancellationToken cancellationToken)
    {
        var points = await UnlessUnbuiltAsync(() => ScrollAllAsync(new Filter(Must: [Live, Equals("ordinal", 0)]), DocumentFields, cancellationToken), [], cancellationToken).ConfigureAwait(false);
        var documents = points.Select(p => ToDocument(p)).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        _documents = new DocumentCache(documents, _time.GetUtcNow());
        return documents;
    }

    public async ValueTask<IReadOnlyList<KnowledgeChunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        var points = await UnlessUnbuiltAsync(() => ScrollAllAsync(new Filter(Must: [Live, Equals("doc_id", documentId)]), true, cancellationToken), [], cancellationToken).ConfigureAwait(false);
        return points.Select(ToChunk).OrderBy(c => c.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<ChunkHit>> SearchAsync(IndexQuery query, SearchFilter? filter, int top, CancellationToken cancellationToken)
    {
        if (top <= 0) return [];
        var qfilter = ToFilter(filter);
        var dense = query.Dense is not null && _embedder is not null ? query.Dense : null;
        var sparse = query.Sparse.Terms.Count > 0 ? SparseTermIds.Vector(query.Sparse.Terms) : null;
        QueryRequest request;
        if (sparse is not null && dense is not null)
        {
            var depth = Rrf.Depth(top);
            request = new QueryRequest(
                [new Prefetch(sparse, SparseVectorName, qfilter, depth), new Prefetch(dense, DenseVectorName, qfilter, depth)],
                new RrfQuery(new RrfParameters(Rrf.K)), null, qfilter, top, true);
        }
        else if (sparse is not null || dense is not null)
        {
            request = new QueryRequest(null, (object?)sparse ?? dense!, sparse is not null ? SparseVectorName : DenseVectorName, qfilter, top, true);
        }
        else
        {
            return [];
        }
        var response = await UnlessUnbuiltAsync(() => _client.QueryAsync(Alias, request, cancellationToken), null, cancellationToken).ConfigureAwait(false);
        return response?.Points.Where(p => p.Payload is not null)
            .Select(p => new ChunkHit(ToChunk(p.Payload!), ToDocument(p.Payload!), p.Score)).ToList() ?? [];
    }

    /// <summary>
    /// Runs a read; a 404 because the index was never built (no alias yet) reads as empty. A 404 while the
    /// alias exists is an error, never an empty answer.
    /// </summary>
    private async Task<T> UnlessUnbuiltAsync<T>(Func<Task<T>> read, T empty, CancellationToken cancellationToken)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (QdrantException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            if (await CurrentCollectionAsync(cancellationToken).ConfigureAwait(false) is null) return empty;
            throw;
        }
    }

    // ---------------- writes ----------------

    public async Task<IndexChangeSummary> ApplyAsync(IndexBatch batch, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = await ResolveAsync(cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                var docs = batch.Upserts.DistinctBy(d => d.Info.Id).Where(d => !batch.Deletes.Contains(d.Info.Id)).ToList();
                var chunks = await BuildCollectionAsync(docs, previous: null, cancellationToken).ConfigureAwait(false);
                return new IndexChangeSummary(docs.Count, 0, 0, docs.Count, chunks);
            }
            var (physical, meta) = state.Value;
            if (batch.IsEmpty)
            {
                // The folder indexer applies every run, changed or not: no need to scroll the documents then.
                var served = await GetDocumentsAsync(cancellationToken).ConfigureAwait(false);
                return new IndexChangeSummary(0, 0, 0, served.Count, (int)meta.Chunks);
            }
            var existing = (await RefreshDocumentsAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(d => d.Id, StringComparer.Ordinal);
            var deletes = batch.Deletes.Where(existing.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
            var upserts = new List<KnowledgeDocument>();
            int added = 0, changed = 0;
            foreach (var doc in batch.Upserts)
            {
                if (existing.TryGetValue(doc.Info.Id, out var old))
                {
                    if (old.FileHash == doc.Info.FileHash && old.SourcePath == doc.Info.SourcePath) continue;
                    changed++;
                }
                else
                {
                    added++;
                }
                upserts.Add(doc);
            }
            if (upserts.Count + deletes.Count == 0) return new IndexChangeSummary(0, 0, 0, existing.Count, (int)meta.Chunks);

            // Where the per-field length sums go after this change, to tell whether the frozen averages still hold.
            var replaced = deletes.Concat(upserts.Where(u => existing.ContainsKey(u.Info.Id)).Select(u => u.Info.Id)).ToList();
            var oldLengths = replaced.Count == 0 ? []
                : await ScrollAllAsync(new Filter(Must: [Live, Any("doc_id", replaced)]), FieldLengthsOnly, cancellationToken).ConfigureAwait(false);
            var analyzed = upserts.Select(d => (Doc: d, Chunks: d.Chunks.Select(c => _encoder.Analyze(c, d.Info)).ToArray())).ToList();
            var sums = (double[])meta.LengthSums.Clone();
            var count = meta.Chunks;
            foreach (var p in oldLengths)
            {
                for (var f = 0; f < sums.Length; f++) sums[f] -= p.Payload!.FieldLengths[f];
                count--;
            }
            foreach (var c in analyzed.SelectMany(a => a.Chunks))
            {
                for (var f = 0; f < sums.Length; f++) sums[f] += c.FieldLengths[f];
                count++;
            }
            if (Drifted(meta.AverageLengths, sums, count))
            {
                var all = await LoadAllDocumentsAsync(cancellationToken).ConfigureAwait(false);
                foreach (var id in deletes) all.Remove(id);
                foreach (var d in upserts) all[d.Info.Id] = d;
                var total = await BuildCollectionAsync(all.Values.ToList(), physical, cancellationToken).ConfigureAwait(false);
                return new IndexChangeSummary(added, changed, deletes.Count, all.Count, total);
            }

            // Clear hidden leftovers of an update that failed half-way, then upload the new points hidden.
            await _client.DeleteAsync(Alias, new FilterSelector(new Filter(Must: [Equals("live", false)])), cancellationToken).ConfigureAwait(false);
            var ids = new List<string>();
            foreach (var page in PointsOf(analyzed, meta.AverageLengths, live: false).Chunk(PageSize))
            {
                var points = await WithVectorsAsync(page, cancellationToken).ConfigureAwait(false);
                await _client.UpsertAsync(Alias, new PointsList(points), cancellationToken).ConfigureAwait(false);
                ids.AddRange(points.Select(p => p.Id));
            }
            // One request shows the new points and removes the versions they replace.
            var operations = new List<object>();
            if (ids.Count > 0) operations.Add(new SetPayloadOperation(new SetPayload(new Dictionary<string, object> { ["live"] = true }, Points: ids)));
            if (replaced.Count > 0)
            {
                operations.Add(new DeleteOperation(new FilterSelector(new Filter(
                    Must: [Any("doc_id", replaced)], MustNot: ids.Count > 0 ? [new HasIdCondition(ids)] : null))));
            }
            await _client.BatchAsync(Alias, new UpdateOperations(operations), cancellationToken).ConfigureAwait(false);
            await _client.UpdateMetadataAsync(physical, new UpdateCollectionMetadata(new JsonObjectMetadata(meta with { LengthSums = sums, Chunks = count })), cancellationToken).ConfigureAwait(false);
            var documents = await RefreshDocumentsAsync(cancellationToken).ConfigureAwait(false);
            return new IndexChangeSummary(added, changed, deletes.Count, documents.Count, (int)count);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Rebuilds the whole index into a new collection and switches the alias to it.</summary>
    public async Task<IndexChangeSummary> RebuildAsync(IReadOnlyList<KnowledgeDocument> documents, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var previous = await CurrentCollectionAsync(cancellationToken).ConfigureAwait(false);
            var chunks = await BuildCollectionAsync(documents, previous, cancellationToken).ConfigureAwait(false);
            return new IndexChangeSummary(documents.Count, 0, 0, documents.Count, chunks);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Deletes the collection behind the alias (and with it the alias): the index is gone.</summary>
    public async Task DropAsync(CancellationToken cancellationToken)
    {
        if (await CurrentCollectionAsync(cancellationToken).ConfigureAwait(false) is { } physical)
            await _client.DeleteCollectionAsync(physical, cancellationToken).ConfigureAwait(false);
        _documents = null;
    }

    private async Task<int> BuildCollectionAsync(IReadOnlyList<KnowledgeDocument> documents, string? previous, CancellationToken cancellationToken)
    {
        var name = $"{Alias}-{_time.GetUtcNow():yyyyMMddHHmmssfff}";
        var analyzed = documents.Select(d => (Doc: d, Chunks: d.Chunks.Select(c => _encoder.Analyze(c, d.Info)).ToArray())).ToList();
        var allChunks = analyzed.SelectMany(a => a.Chunks).ToList();
        var averages = SparseEncoder.AverageLengths(allChunks);
        var sums = Enumerable.Range(0, AnalyzedChunk.FieldCount).Select(f => allChunks.Sum(c => (double)c.FieldLengths[f])).ToArray();
        var meta = new IndexMetadata(SchemaVersion, EncoderFingerprint(_encoder), averages, sums, allChunks.Count,
            _embedder is null ? null : "configured", _embedder?.Dimensions);
        var vectors = _embedder is null
            ? new Dictionary<string, VectorParams>()
            : new Dictionary<string, VectorParams> { [DenseVectorName] = new((ulong)_embedder.Dimensions, "Cosine") };
        await _client.CreateCollectionAsync(name, new CreateCollection(vectors,
            new Dictionary<string, SparseVectorParams> { [SparseVectorName] = new("idf") },
            _settings.ShardNumber, _settings.ReplicationFactor, new JsonObjectMetadata(meta)), cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (field, type) in PayloadIndexes)
                await _client.CreatePayloadIndexAsync(name, new CreateFieldIndex(field, type), cancellationToken).ConfigureAwait(false);
            foreach (var page in PointsOf(analyzed, averages, live: true).Chunk(PageSize))
            {
                var points = await WithVectorsAsync(page, cancellationToken).ConfigureAwait(false);
                await _client.UpsertAsync(name, new PointsList(points), cancellationToken).ConfigureAwait(false);
            }
            var actions = new List<object>();
            if (previous is not null) actions.Add(new DeleteAliasOperation(new DeleteAlias(Alias)));
            actions.Add(new CreateAliasOperation(new CreateAlias(name, Alias)));
            await _client.UpdateAliasesAsync(new ChangeAliasesOperation(actions), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The alias still points at the previous collection: drop the half-built one (best effort).
            try
            {
                await _client.DeleteCollectionAsync(name, CancellationToken.None).ConfigureAwait(false);
            }
            catch (QdrantException)
            {
                // Left for the operator; it is not served.
            }
            throw;
        }
        if (previous is not null) await _client.DeleteCollectionAsync(previous, cancellationToken).ConfigureAwait(false);
        await RefreshDocumentsAsync(cancellationToken).ConfigureAwait(false);
        return allChunks.Count;
    }

    private static readonly (string Field, string Type)[] PayloadIndexes =
        [("doc_id", "keyword"), ("kind", "keyword"), ("region", "keyword"), ("live", "bool"), ("ordinal", "integer")];

    private static bool Drifted(float[] frozen, double[] sums, long count)
    {
        if (count <= 0) return false;
        for (var f = 0; f < frozen.Length; f++)
        {
            var now = Math.Max(1.0, sums[f] / count);
            if (Math.Abs(now - frozen[f]) / frozen[f] > DriftLimit) return true;
        }
        return false;
    }

    private IEnumerable<(string Id, SparseVector Sparse, ChunkPayload Payload, string EmbedText)> PointsOf(
        IEnumerable<(KnowledgeDocument Doc, AnalyzedChunk[] Chunks)> analyzed, float[] averages, bool live)
    {
        foreach (var (doc, chunks) in analyzed)
        {
            foreach (var a in chunks)
            {
                var c = a.Chunk;
                yield return (PointId(c, doc.Info), SparseTermIds.Vector(_encoder.Encode(a, averages)), ToPayload(c, doc.Info, a.FieldLengths, live),
                    ChunkEmbedder.TextOf(c, doc.Info));
            }
        }
    }

    private async Task<List<PointStruct>> WithVectorsAsync(
        (string Id, SparseVector Sparse, ChunkPayload Payload, string EmbedText)[] page, CancellationToken cancellationToken)
    {
        var dense = _embedder is null ? null : await _embedder.EmbedAsync(page.Select(p => p.EmbedText).ToList(), cancellationToken).ConfigureAwait(false);
        if (_embedder is not null) await _embedder.Cache.SaveAsync(cancellationToken).ConfigureAwait(false);
        return page.Select((p, i) =>
        {
            var vector = new Dictionary<string, object> { [SparseVectorName] = p.Sparse };
            if (dense is not null) vector[DenseVectorName] = dense[i];
            return new PointStruct(p.Id, vector, p.Payload);
        }).ToList();
    }

    /// <summary>Every live document with all its chunks, rebuilt from payload (for a rebuild after drift).</summary>
    private async Task<Dictionary<string, KnowledgeDocument>> LoadAllDocumentsAsync(CancellationToken cancellationToken)
    {
        var points = await ScrollAllAsync(new Filter(Must: [Live]), true, cancellationToken).ConfigureAwait(false);
        return points.GroupBy(p => p.Payload!.DocId, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new KnowledgeDocument(ToDocument(g.First().Payload!), g.Select(p => ToChunk(p.Payload!)).OrderBy(c => c.Ordinal).ToList()),
            StringComparer.Ordinal);
    }

    // ---------------- schema ----------------

    /// <summary>The physical collection behind the alias and its metadata, or null when there is none yet.</summary>
    private async Task<(string Physical, IndexMetadata Meta)?> ResolveAsync(CancellationToken cancellationToken)
    {
        var physical = await CurrentCollectionAsync(cancellationToken).ConfigureAwait(false);
        if (physical is null) return null;
        var info = await _client.GetCollectionAsync(physical, cancellationToken).ConfigureAwait(false)
            ?? throw new QdrantException($"alias '{Alias}' points to collection '{physical}', which does not exist");
        return (physical, Check(physical, info));
    }

    private async Task<string?> CurrentCollectionAsync(CancellationToken cancellationToken)
    {
        var aliases = await _client.GetAliasesAsync(cancellationToken).ConfigureAwait(false);
        var alias = aliases.FirstOrDefault(a => a.AliasName == Alias);
        if (alias is not null) return alias.CollectionName;
        if (await _client.GetCollectionAsync(Alias, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new QdrantException($"'{Alias}' is a collection, not an alias: LegalBot serves its index through an alias so rebuilds switch in whole. " +
                "Choose another Qdrant__Collection, or delete that collection.");
        }
        return null;
    }

    private IndexMetadata Check(string physical, CollectionInfo info)
    {
        var meta = info.Config.Metadata?.Legalbot
            ?? throw new QdrantException($"collection '{physical}' has no LegalBot metadata: it was not built by LegalBot (or Qdrant is older than 1.16)");
        var problems = new List<string>();
        if (meta.Schema != SchemaVersion) problems.Add($"schema {meta.Schema}, this version writes {SchemaVersion}");
        if (meta.Encoder != EncoderFingerprint(_encoder)) problems.Add("it was built with other tokenizer/BM25 settings");
        if (info.Config.Params.SparseVectors?.GetValueOrDefault(SparseVectorName)?.Modifier != "idf")
            problems.Add($"sparse vector '{SparseVectorName}' with modifier idf is missing");
        if (meta.DenseDimensions != _embedder?.Dimensions)
            problems.Add($"dense vectors: collection {meta.DenseDimensions?.ToString(CultureInfo.InvariantCulture) ?? "none"}, configured {_embedder?.Dimensions.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        if (meta.AverageLengths.Length != AnalyzedChunk.FieldCount || meta.LengthSums.Length != AnalyzedChunk.FieldCount)
            problems.Add("field statistics are malformed");
        if (problems.Count > 0)
            throw new QdrantException($"collection '{physical}' (alias '{Alias}') does not match this configuration: {string.Join("; ", problems)}. Rebuild it with `legalbot index --backend qdrant --rebuild`.");
        return meta;
    }

    private static string EncoderFingerprint(SparseEncoder encoder) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{encoder.Tokenizer.MaxGram}|{encoder.Parameters}|fnv1a32")))[..16];

    // ---------------- mapping ----------------

    private static readonly object Live = Equals("live", true);
    private static readonly string[] FieldLengthsOnly = ["field_lengths"];
    private static readonly string[] DocumentFields =
        ["doc_id", "source_path", "file_hash", "title", "part", "kind", "region", "department", "effective", "source", "tags", "front_matter"];

    private static FieldCondition Equals(string key, object value) => new(key, new MatchValue(value));

    private static FieldCondition Any(string key, IReadOnlyList<string> values) => new(key, new MatchAny(values));

    private static Filter ToFilter(SearchFilter? filter)
    {
        var must = new List<object> { Live };
        if (filter?.Region is { } region)
            must.Add(new Filter(Should: [Equals("region", region), new IsEmptyCondition(new PayloadField("region"))]));
        if (filter?.Kinds is { } kinds) must.Add(Any("kind", kinds.Select(KindName).ToList()));
        if (filter?.DocumentIds is { } ids) must.Add(Any("doc_id", ids.ToList()));
        return new Filter(Must: must);
    }

    private static string KindName(DocumentKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>A UUID from the chunk id and the file's hash: stable for an unchanged file, new for a new version.</summary>
    internal static string PointId(KnowledgeChunk chunk, DocumentInfo document)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(chunk.Id + "\n" + document.FileHash));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }

    private static ChunkPayload ToPayload(KnowledgeChunk c, DocumentInfo d, int[] fieldLengths, bool live) => new(
        d.Id, d.SourcePath, d.FileHash, d.Title, d.Part, KindName(d.Kind), d.Region, d.Department,
        d.Effective?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Source, d.Tags.Count == 0 ? null : d.Tags,
        c.Ordinal == 0 ? d.FrontMatter : null,
        c.Id, c.Ordinal, c.ArticleLabel, c.HeadingPath, c.Text, c.Line, c.Hash, fieldLengths, live,
        c.Questions is { Count: > 0 } q ? q : null,
        c.References is { Count: > 0 } r ? r.Select(x => new ReferencePayload(x.Law, x.Article, x.Quote)).ToList() : null);

    private static DocumentInfo ToDocument(RecordPoint p) => ToDocument(p.Payload ?? throw new QdrantException("a point came back without payload"));

    private static DocumentInfo ToDocument(ChunkPayload p) => new(
        p.DocId, p.SourcePath, p.FileHash, p.Title, p.Part,
        Enum.TryParse<DocumentKind>(p.Kind, ignoreCase: true, out var kind) ? kind : throw new QdrantException($"point of '{p.DocId}' has unknown kind '{p.Kind}'"),
        p.Region, p.Department,
        p.Effective is null ? null : DateOnly.ParseExact(p.Effective, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        p.Source, p.Tags ?? [], p.FrontMatter);

    private static KnowledgeChunk ToChunk(RecordPoint p) => ToChunk(p.Payload ?? throw new QdrantException("a point came back without payload"));

    private static KnowledgeChunk ToChunk(ChunkPayload p) =>
        new(p.ChunkId, p.DocId, p.Ordinal, p.ArticleLabel, p.HeadingPath, p.Text, p.Line, p.ChunkHash, p.Questions,
            p.References?.Select(r => new ArticleReference(r.Law, r.Article, r.Quote)).ToList());

    private async Task<List<RecordPoint>> ScrollAllAsync(Filter filter, object withPayload, CancellationToken cancellationToken)
    {
        var all = new List<RecordPoint>();
        object? offset = null;
        while (true)
        {
            var page = await _client.ScrollAsync(Alias, new ScrollRequest(filter, PageSize, offset, withPayload), cancellationToken).ConfigureAwait(false)
                ?? throw new QdrantException($"scroll of '{Alias}' returned no result");
            all.AddRange(page.Points.Where(p => p.Payload is not null));
            if (page.NextPageOffset is not { } next || next.ValueKind == JsonValueKind.Null) return all;
            offset = next;
        }
    }

    public void Dispose()
    {
        _writeLock.Dispose();
        _http.Dispose();
    }
}
