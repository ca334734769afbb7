using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Embeddings;
using Qdrant.Client.Grpc;
using GrpcRrf = Qdrant.Client.Grpc.Rrf;

namespace LegalBot.Knowledge.Index.Qdrant;

/// <summary>
/// <see cref="IKnowledgeIndex"/> over a Qdrant collection, through the official Qdrant.Client (gRPC). Each chunk is a point with a named sparse vector
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

    private readonly QdrantConnection _qdrant;
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
        _qdrant = new QdrantConnection(settings, _time, handler);
    }

    /// <summary>How long the document list (used on every search to recognise statute names) is cached.
    /// Updates made through this instance refresh it at once; other writers' within this time.</summary>
    public TimeSpan DocumentCacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    public string Alias => _settings.Collection;

    /// <summary>Connects and checks the collection behind the alias (if any) fits this configuration.</summary>
    /// <param name="forRebuild">Only check that Qdrant answers: the collection is about to be replaced, so it may not match.</param>
    /// <param name="handler">The HTTP/2 handler under the gRPC channel (tests; null: a SocketsHttpHandler).</param>
    /// <exception cref="QdrantException">Qdrant is unreachable, or the collection's schema does not match.</exception>
    /// <exception cref="ArgumentException">The settings are unusable (a REST URL on 6333, say).</exception>
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
        var points = await UnlessUnbuiltAsync(() => ScrollAllAsync(Must(Live, Integer("ordinal", 0)), DocumentFields, cancellationToken), [], cancellationToken).ConfigureAwait(false);
        var documents = points.Select(ToDocument).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        _documents = new DocumentCache(documents, _time.GetUtcNow());
        return documents;
    }

    public async ValueTask<IReadOnlyList<KnowledgeChunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        var points = await UnlessUnbuiltAsync(() => ScrollAllAsync(Must(Live, Keyword("doc_id", documentId)), AllFields, cancellationToken), [], cancellationToken).ConfigureAwait(false);
        return points.Select(ToChunk).OrderBy(c => c.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<ChunkHit>> SearchAsync(IndexQuery query, SearchFilter? filter, int top, CancellationToken cancellationToken)
    {
        if (top <= 0) return [];
        var qfilter = ToFilter(filter);
        var dense = query.Dense is not null && _embedder is not null ? query.Dense : null;
        var sparse = query.Sparse.Terms.Count > 0 ? new VectorInput { Sparse = SparseTermIds.Vector(query.Sparse.Terms) } : null;
        var denseInput = dense is null ? null : new VectorInput { Dense = new DenseVector { Data = { dense } } };
        Query request;
        List<PrefetchQuery> prefetch = [];
        string? usingVector = null;
        if (sparse is not null && denseInput is not null)
        {
            var depth = (ulong)Rrf.Depth(top);
            prefetch.Add(new PrefetchQuery { Query = new Query { Nearest = sparse }, Using = SparseVectorName, Filter = qfilter, Limit = depth });
            prefetch.Add(new PrefetchQuery { Query = new Query { Nearest = denseInput }, Using = DenseVectorName, Filter = qfilter, Limit = depth });
            // k is sent explicitly so Qdrant's default never matters.
            request = new Query { Rrf = new GrpcRrf { K = (uint)Rrf.K } };
        }
        else if (sparse is not null || denseInput is not null)
        {
            request = new Query { Nearest = sparse ?? denseInput };
            usingVector = sparse is not null ? SparseVectorName : DenseVectorName;
        }
        else
        {
            return [];
        }
        var points = await UnlessUnbuiltAsync(() => _qdrant.CallAsync($"query of '{Alias}'", (c, ct) => c.QueryAsync(Alias, request, prefetch, usingVector, qfilter,
            limit: (ulong)top, payloadSelector: AllFields, cancellationToken: ct), cancellationToken), [], cancellationToken).ConfigureAwait(false);
        return points.Where(p => p.Payload.Count > 0).Select(p =>
        {
            var payload = QdrantPayload.Chunk(p.Payload);
            return new ChunkHit(ToChunk(payload), ToDocument(payload), p.Score);
        }).ToList();
    }

    /// <summary>
    /// Runs a read; "not found" because the index was never built (no alias yet) reads as empty. Not found
    /// while the alias exists is an error, never an empty answer.
    /// </summary>
    private async Task<T> UnlessUnbuiltAsync<T>(Func<Task<T>> read, T empty, CancellationToken cancellationToken)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (QdrantException ex) when (ex.StatusCode == StatusCode.NotFound)
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
                : await ScrollAllAsync(Must(Live, AnyKeyword("doc_id", replaced)), FieldLengthsOnly, cancellationToken).ConfigureAwait(false);
            var analyzed = upserts.Select(d => (Doc: d, Chunks: d.Chunks.Select(c => _encoder.Analyze(c, d.Info)).ToArray())).ToList();
            var sums = (double[])meta.LengthSums.Clone();
            var count = meta.Chunks;
            foreach (var p in oldLengths)
            {
                for (var f = 0; f < sums.Length; f++) sums[f] -= p.FieldLengths[f];
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
            var hidden = Must(Flag("live", false));
            await _qdrant.CallAsync($"delete of hidden points in '{Alias}'", (c, ct) => c.DeleteAsync(Alias, hidden, wait: true, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            var ids = new List<PointId>();
            foreach (var page in PointsOf(analyzed, meta.AverageLengths, live: false).Chunk(PageSize))
            {
                var points = await WithVectorsAsync(page, cancellationToken).ConfigureAwait(false);
                await UpsertAsync(Alias, points, cancellationToken).ConfigureAwait(false);
                ids.AddRange(points.Select(p => p.Id));
            }
            // One request shows the new points and removes the versions they replace.
            var operations = new List<PointsUpdateOperation>();
            if (ids.Count > 0)
            {
                operations.Add(new PointsUpdateOperation
                {
                    SetPayload = new PointsUpdateOperation.Types.SetPayload
                    {
                        Payload = { ["live"] = new Value { BoolValue = true } },
                        PointsSelector = new PointsSelector { Points = new PointsIdsList { Ids = { ids } } },
                    },
                });
            }
            if (replaced.Count > 0)
            {
                var old = Must(AnyKeyword("doc_id", replaced));
                if (ids.Count > 0) old.MustNot.Add(new Condition { HasId = new HasIdCondition { HasId = { ids } } });
                operations.Add(new PointsUpdateOperation
                {
                    DeletePoints = new PointsUpdateOperation.Types.DeletePoints { Points = new PointsSelector { Filter = old } },
                });
            }
            await _qdrant.CallAsync($"update batch of '{Alias}'", (c, ct) => c.UpdateBatchAsync(Alias, operations, wait: true, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            var metadata = QdrantPayload.Metadata(meta with { LengthSums = sums, Chunks = count });
            await _qdrant.CallAsync($"metadata update of '{physical}'", (c, ct) => c.UpdateCollectionAsync(physical, metadata, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
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
            await DeleteCollectionAsync(physical, cancellationToken).ConfigureAwait(false);
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
        var create = new CreateCollection
        {
            CollectionName = name,
            SparseVectorsConfig = new SparseVectorConfig { Map = { [SparseVectorName] = new SparseVectorParams { Modifier = Modifier.Idf } } },
            Metadata = { QdrantPayload.Metadata(meta) },
        };
        if (_embedder is not null)
        {
            create.VectorsConfig = new VectorsConfig
            {
                ParamsMap = new VectorParamsMap { Map = { [DenseVectorName] = new VectorParams { Size = (ulong)_embedder.Dimensions, Distance = Distance.Cosine } } },
            };
        }
        if (_settings.ShardNumber is { } shards) create.ShardNumber = shards;
        if (_settings.ReplicationFactor is { } replicas) create.ReplicationFactor = replicas;
        await _qdrant.CallAsync($"creation of collection '{name}'", (c, ct) => c.CreateCollectionAsync(create, ct), cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (field, type) in PayloadIndexes)
            {
                await _qdrant.CallAsync($"payload index '{field}' of '{name}'",
                    (c, ct) => c.CreatePayloadIndexAsync(name, field, type, wait: true, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            }
            foreach (var page in PointsOf(analyzed, averages, live: true).Chunk(PageSize))
            {
                var points = await WithVectorsAsync(page, cancellationToken).ConfigureAwait(false);
                await UpsertAsync(name, points, cancellationToken).ConfigureAwait(false);
            }
            var actions = new List<AliasOperations>();
            if (previous is not null) actions.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = Alias } });
            actions.Add(new AliasOperations { CreateAlias = new CreateAlias { CollectionName = name, AliasName = Alias } });
            // Both actions in one request: Qdrant applies them together, so readers never find the alias missing.
            await _qdrant.CallAsync($"switch of alias '{Alias}' to '{name}'", (c, ct) => c.UpdateAliasesAsync(actions, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The alias still points at the previous collection: drop the half-built one (best effort).
            try
            {
                await DeleteCollectionAsync(name, CancellationToken.None).ConfigureAwait(false);
            }
            catch (QdrantException)
            {
                // Left for the operator; it is not served.
            }
            throw;
        }
        if (previous is not null) await DeleteCollectionAsync(previous, cancellationToken).ConfigureAwait(false);
        await RefreshDocumentsAsync(cancellationToken).ConfigureAwait(false);
        return allChunks.Count;
    }

    private static readonly (string Field, PayloadSchemaType Type)[] PayloadIndexes =
    [
        ("doc_id", PayloadSchemaType.Keyword), ("kind", PayloadSchemaType.Keyword), ("region", PayloadSchemaType.Keyword),
        ("live", PayloadSchemaType.Bool), ("ordinal", PayloadSchemaType.Integer),
    ];

    private async Task UpsertAsync(string collection, List<PointStruct> points, CancellationToken cancellationToken) =>
        await _qdrant.CallAsync($"upsert of {points.Count} points into '{collection}'",
            (c, ct) => c.UpsertAsync(collection, points, wait: true, cancellationToken: ct), cancellationToken).ConfigureAwait(false);

    private async Task DeleteCollectionAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _qdrant.CallAsync($"deletion of collection '{name}'", (c, ct) => c.DeleteCollectionAsync(name, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
        }
        catch (QdrantException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            // Already gone: what was asked for.
        }
    }

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

    private IEnumerable<(PointId Id, SparseVector Sparse, ChunkPayload Payload, string EmbedText)> PointsOf(
        IEnumerable<(KnowledgeDocument Doc, AnalyzedChunk[] Chunks)> analyzed, float[] averages, bool live)
    {
        foreach (var (doc, chunks) in analyzed)
        {
            foreach (var a in chunks)
            {
                var c = a.Chunk;
                yield return (PointIdOf(c, doc.Info), SparseTermIds.Vector(_encoder.Encode(a, averages)), ToPayload(c, doc.Info, a.FieldLengths, live),
                    ChunkEmbedder.TextOf(c, doc.Info));
            }
        }
    }

    private async Task<List<PointStruct>> WithVectorsAsync(
        (PointId Id, SparseVector Sparse, ChunkPayload Payload, string EmbedText)[] page, CancellationToken cancellationToken)
    {
        var dense = _embedder is null ? null : await _embedder.EmbedAsync(page.Select(p => p.EmbedText).ToList(), cancellationToken).ConfigureAwait(false);
        if (_embedder is not null) await _embedder.Cache.SaveAsync(cancellationToken).ConfigureAwait(false);
        return page.Select((p, i) =>
        {
            var vectors = new NamedVectors { Vectors = { [SparseVectorName] = new Vector { Sparse = p.Sparse } } };
            if (dense is not null) vectors.Vectors[DenseVectorName] = new Vector { Dense = new DenseVector { Data = { dense[i] } } };
            return new PointStruct { Id = p.Id, Vectors = new Vectors { Vectors_ = vectors }, Payload = { QdrantPayload.Of(p.Payload) } };
        }).ToList();
    }

    /// <summary>Every live document with all its chunks, rebuilt from payload (for a rebuild after drift).</summary>
    private async Task<Dictionary<string, KnowledgeDocument>> LoadAllDocumentsAsync(CancellationToken cancellationToken)
    {
        var points = await ScrollAllAsync(Must(Live), AllFields, cancellationToken).ConfigureAwait(false);
        return points.GroupBy(p => p.DocId, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => new KnowledgeDocument(ToDocument(g.First()), g.Select(ToChunk).OrderBy(c => c.Ordinal).ToList()),
            StringComparer.Ordinal);
    }

    // ---------------- schema ----------------

    /// <summary>The physical collection behind the alias and its metadata, or null when there is none yet.</summary>
    private async Task<(string Physical, IndexMetadata Meta)?> ResolveAsync(CancellationToken cancellationToken)
    {
        var physical = await CurrentCollectionAsync(cancellationToken).ConfigureAwait(false);
        if (physical is null) return null;
        var info = await GetCollectionAsync(physical, cancellationToken).ConfigureAwait(false)
            ?? throw new QdrantException($"alias '{Alias}' points to collection '{physical}', which does not exist");
        return (physical, Check(physical, info));
    }

    private async Task<string?> CurrentCollectionAsync(CancellationToken cancellationToken)
    {
        var aliases = await _qdrant.CallAsync("list of aliases", (c, ct) => c.ListAliasesAsync(ct), cancellationToken).ConfigureAwait(false);
        var alias = aliases.FirstOrDefault(a => a.AliasName == Alias);
        if (alias is not null) return alias.CollectionName;
        if (await GetCollectionAsync(Alias, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new QdrantException($"'{Alias}' is a collection, not an alias: LegalBot serves its index through an alias so rebuilds switch in whole. " +
                "Choose another Qdrant__Collection, or delete that collection.");
        }
        return null;
    }

    private async Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _qdrant.CallAsync($"info of collection '{name}'", (c, ct) => c.GetCollectionInfoAsync(name, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (QdrantException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    private IndexMetadata Check(string physical, CollectionInfo info)
    {
        var meta = QdrantPayload.Metadata(info.Config.Metadata)
            ?? throw new QdrantException($"collection '{physical}' has no LegalBot metadata: it was not built by LegalBot (or Qdrant is older than 1.16)");
        var problems = new List<string>();
        if (meta.Schema != SchemaVersion) problems.Add($"schema {meta.Schema}, this version writes {SchemaVersion}");
        if (meta.Encoder != EncoderFingerprint(_encoder)) problems.Add("it was built with other tokenizer/BM25 settings");
        if (info.Config.Params.SparseVectorsConfig?.Map.GetValueOrDefault(SparseVectorName)?.Modifier != Modifier.Idf)
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

    private static readonly Condition Live = Flag("live", true);
    private static readonly WithPayloadSelector AllFields = new() { Enable = true };
    private static readonly WithPayloadSelector FieldLengthsOnly = Fields("field_lengths");
    private static readonly WithPayloadSelector DocumentFields = Fields(
        "doc_id", "source_path", "file_hash", "title", "part", "kind", "region", "department", "effective", "source", "tags", "front_matter");

    private static WithPayloadSelector Fields(params string[] names) => new() { Include = new PayloadIncludeSelector { Fields = { names } } };

    private static Filter Must(params Condition[] conditions) => new() { Must = { conditions } };

    private static Condition Field(string key, Match match) => new() { Field = new FieldCondition { Key = key, Match = match } };

    private static Condition Flag(string key, bool value) => Field(key, new Match { Boolean = value });

    private static Condition Integer(string key, long value) => Field(key, new Match { Integer = value });

    private static Condition Keyword(string key, string value) => Field(key, new Match { Keyword = value });

    private static Condition AnyKeyword(string key, IEnumerable<string> values) => Field(key, new Match { Keywords = new RepeatedStrings { Strings = { values } } });

    private static Filter ToFilter(SearchFilter? filter)
    {
        var must = Must(Live);
        if (filter?.Region is { } region)
        {
            // A document without a region applies everywhere.
            must.Must.Add(new Condition { Filter = new Filter { Should = { Keyword("region", region), new Condition { IsEmpty = new IsEmptyCondition { Key = "region" } } } } });
        }
        if (filter?.Kinds is { } kinds) must.Must.Add(AnyKeyword("kind", kinds.Select(KindName)));
        if (filter?.DocumentIds is { } ids) must.Must.Add(AnyKeyword("doc_id", ids));
        return must;
    }

    private static string KindName(DocumentKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>A UUID from the chunk id and the file's hash: stable for an unchanged file, new for a new version.</summary>
    internal static PointId PointIdOf(KnowledgeChunk chunk, DocumentInfo document)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(chunk.Id + "\n" + document.FileHash));
        return new PointId { Uuid = new Guid(hash.AsSpan(0, 16)).ToString("D") };
    }

    private static ChunkPayload ToPayload(KnowledgeChunk c, DocumentInfo d, int[] fieldLengths, bool live) => new(
        d.Id, d.SourcePath, d.FileHash, d.Title, d.Part, KindName(d.Kind), d.Region, d.Department,
        d.Effective?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.Source, d.Tags.Count == 0 ? null : d.Tags,
        c.Ordinal == 0 ? d.FrontMatter : null,
        c.Id, c.Ordinal, c.ArticleLabel, c.HeadingPath, c.Text, c.Line, c.Hash, fieldLengths, live,
        c.Questions is { Count: > 0 } q ? q : null,
        c.References is { Count: > 0 } r ? r.Select(x => new ReferencePayload(x.Law, x.Article, x.Quote)).ToList() : null);

    private static DocumentInfo ToDocument(ChunkPayload p) => new(
        p.DocId, p.SourcePath, p.FileHash, p.Title, p.Part,
        Enum.TryParse<DocumentKind>(p.Kind, ignoreCase: true, out var kind) ? kind : throw new QdrantException($"point of '{p.DocId}' has unknown kind '{p.Kind}'"),
        p.Region, p.Department,
        p.Effective is null ? null : DateOnly.ParseExact(p.Effective, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        p.Source, p.Tags ?? [], p.FrontMatter);

    private static KnowledgeChunk ToChunk(ChunkPayload p) =>
        new(p.ChunkId, p.DocId, p.Ordinal, p.ArticleLabel, p.HeadingPath, p.Text, p.Line, p.ChunkHash, p.Questions,
            p.References?.Select(r => new ArticleReference(r.Law, r.Article, r.Quote)).ToList());

    private async Task<List<ChunkPayload>> ScrollAllAsync(Filter filter, WithPayloadSelector fields, CancellationToken cancellationToken)
    {
        var all = new List<ChunkPayload>();
        PointId? offset = null;
        while (true)
        {
            var from = offset;
            var page = await _qdrant.CallAsync($"scroll of '{Alias}'",
                (c, ct) => c.ScrollAsync(Alias, filter, PageSize, from, fields, cancellationToken: ct), cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Result.Where(p => p.Payload.Count > 0).Select(p => QdrantPayload.Chunk(p.Payload)));
            if (page.NextPageOffset is null) return all;
            offset = page.NextPageOffset;
        }
    }

    public void Dispose()
    {
        _writeLock.Dispose();
        _qdrant.Dispose();
    }
}
