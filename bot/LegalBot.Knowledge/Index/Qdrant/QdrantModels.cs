using System.Text.Json;
using System.Text.Json.Serialization;

namespace LegalBot.Knowledge.Index.Qdrant;

// The subset of Qdrant's REST schema (OpenAPI v1.x, ../shared/contracts/qdrant-openapi.json) that LegalBot
// uses, as typed records. Names follow the spec; JSON is snake_case and nulls are omitted. Polymorphic spots
// (a query is a sparse vector, a dense vector or a fusion) are typed as object and serialise their runtime type.

internal static class QdrantJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>Every Qdrant response: <c>{"result": …, "status": "ok", "time": …}</c>; errors carry <c>status.error</c>.</summary>
internal sealed record QdrantResponse<T>(T? Result, JsonElement Status, double Time);

// ---- collections ----

internal sealed record VectorParams(ulong Size, string Distance);

internal sealed record SparseVectorParams(string? Modifier);

internal sealed record CreateCollection(
    IReadOnlyDictionary<string, VectorParams> Vectors,
    IReadOnlyDictionary<string, SparseVectorParams> SparseVectors,
    uint? ShardNumber,
    uint? ReplicationFactor,
    JsonObjectMetadata Metadata);

internal sealed record UpdateCollectionMetadata(JsonObjectMetadata Metadata);

/// <summary>Collection metadata (Qdrant ≥ 1.16): LegalBot keeps its index schema under one key.</summary>
internal sealed record JsonObjectMetadata([property: JsonPropertyName("legalbot")] IndexMetadata? Legalbot);

/// <param name="Schema">Bumped whenever the payload layout or term hashing changes.</param>
/// <param name="Encoder">Fingerprint of tokenizer + BM25F parameters; term weights are only comparable under one encoder.</param>
/// <param name="AverageLengths">Field lengths the document weights were normalised with (frozen until a rebuild).</param>
/// <param name="LengthSums">Current per-field length sums over all live chunks (to tell when the frozen averages drift).</param>
internal sealed record IndexMetadata(int Schema, string Encoder, float[] AverageLengths, double[] LengthSums, long Chunks, string? DenseModel, int? DenseDimensions);

internal sealed record CollectionInfo(string Status, long? PointsCount, CollectionConfig Config);

internal sealed record CollectionConfig(CollectionParams Params, JsonObjectMetadata? Metadata);

internal sealed record CollectionParams(JsonElement? Vectors, Dictionary<string, SparseVectorParams>? SparseVectors);

internal sealed record CreateFieldIndex(string FieldName, string FieldSchema);

internal sealed record ChangeAliasesOperation(IReadOnlyList<object> Actions);

internal sealed record CreateAliasOperation(CreateAlias CreateAlias);

internal sealed record CreateAlias(string CollectionName, string AliasName);

internal sealed record DeleteAliasOperation(DeleteAlias DeleteAlias);

internal sealed record DeleteAlias(string AliasName);

internal sealed record CollectionsAliasesResponse(IReadOnlyList<AliasDescription> Aliases);

internal sealed record AliasDescription(string AliasName, string CollectionName);

// ---- points ----

internal sealed record SparseVector(uint[] Indices, float[] Values);

internal sealed record PointStruct(string Id, IReadOnlyDictionary<string, object> Vector, ChunkPayload Payload);

internal sealed record PointsList(IReadOnlyList<PointStruct> Points);

internal sealed record UpdateResult(long? OperationId, string Status);

internal sealed record UpdateOperations(IReadOnlyList<object> Operations);

internal sealed record SetPayloadOperation(SetPayload SetPayload);

internal sealed record SetPayload(IReadOnlyDictionary<string, object> Payload, IReadOnlyList<string>? Points = null, Filter? Filter = null);

internal sealed record DeleteOperation(FilterSelector Delete);

internal sealed record FilterSelector(Filter Filter);

internal sealed record ScrollRequest(Filter? Filter, int Limit, object? Offset, object WithPayload, bool WithVector = false);

internal sealed record ScrollResult(IReadOnlyList<RecordPoint> Points, JsonElement? NextPageOffset);

internal sealed record RecordPoint(JsonElement Id, ChunkPayload? Payload);

internal sealed record QueryRequest(
    IReadOnlyList<Prefetch>? Prefetch,
    object Query,
    string? Using,
    Filter? Filter,
    int Limit,
    object WithPayload);

internal sealed record Prefetch(object Query, string Using, Filter? Filter, int Limit);

internal sealed record RrfQuery(RrfParameters Rrf);

internal sealed record RrfParameters(int K);

internal sealed record QueryResponse(IReadOnlyList<ScoredPoint> Points);

internal sealed record ScoredPoint(JsonElement Id, double Score, ChunkPayload? Payload);

// ---- filters ----

internal sealed record Filter(IReadOnlyList<object>? Must = null, IReadOnlyList<object>? Should = null, IReadOnlyList<object>? MustNot = null);

internal sealed record FieldCondition(string Key, object Match);

internal sealed record MatchValue(object Value);

internal sealed record MatchAny(IReadOnlyList<string> Any);

internal sealed record IsEmptyCondition(PayloadField IsEmpty);

internal sealed record PayloadField(string Key);

internal sealed record HasIdCondition(IReadOnlyList<string> HasId);

/// <summary>What LegalBot stores with each point: the chunk and its document's metadata, so search results need no second lookup.</summary>
internal sealed record ChunkPayload(
    string DocId,
    string SourcePath,
    string FileHash,
    string Title,
    string? Part,
    string Kind,
    string? Region,
    string? Department,
    string? Effective,
    string? Source,
    IReadOnlyList<string>? Tags,
    string? FrontMatter,
    string ChunkId,
    int Ordinal,
    string? ArticleLabel,
    IReadOnlyList<string> HeadingPath,
    string Text,
    int Line,
    string ChunkHash,
    int[] FieldLengths,
    bool Live,
    IReadOnlyList<string>? Questions = null,
    IReadOnlyList<ReferencePayload>? References = null);

/// <summary>An article a chunk relies on, as stored in its payload.</summary>
internal sealed record ReferencePayload(string Law, string Article, string? Quote);
