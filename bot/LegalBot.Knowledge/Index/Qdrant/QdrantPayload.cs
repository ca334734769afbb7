using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace LegalBot.Knowledge.Index.Qdrant;

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

/// <summary>LegalBot's index schema, kept in the collection's metadata (Qdrant ≥ 1.16) under <see cref="QdrantPayload.MetadataKey"/>.</summary>
/// <param name="Schema">Bumped whenever the payload layout or term hashing changes.</param>
/// <param name="Encoder">Fingerprint of tokenizer + BM25F parameters; term weights are only comparable under one encoder.</param>
/// <param name="AverageLengths">Field lengths the document weights were normalised with (frozen until a rebuild).</param>
/// <param name="LengthSums">Current per-field length sums over all live chunks (to tell when the frozen averages drift).</param>
internal sealed record IndexMetadata(int Schema, string Encoder, float[] AverageLengths, double[] LengthSums, long Chunks, string? DenseModel, int? DenseDimensions);

/// <summary>
/// Payloads and metadata are protobuf <see cref="Value"/> maps on the wire. LegalBot's records go through
/// JSON (snake_case, nulls omitted) — the same field names the REST API and Qdrant's dashboard show.
/// </summary>
internal static class QdrantPayload
{
    public const string MetadataKey = "legalbot";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Dictionary<string, Value> Of(ChunkPayload payload) => Fields(JsonSerializer.SerializeToElement(payload, Json));

    public static Dictionary<string, Value> Metadata(IndexMetadata meta) => new() { [MetadataKey] = ToValue(JsonSerializer.SerializeToElement(meta, Json)) };

    /// <exception cref="QdrantException">The payload is not one LegalBot wrote.</exception>
    public static ChunkPayload Chunk(MapField<string, Value> payload) => Read<ChunkPayload>(ToJson(payload), "a point's payload");

    /// <summary>LegalBot's metadata of a collection, or null when it has none.</summary>
    public static IndexMetadata? Metadata(MapField<string, Value> metadata) =>
        metadata.TryGetValue(MetadataKey, out var value) && value.KindCase != Value.KindOneofCase.NullValue
            ? Read<IndexMetadata>(ToJson(value), "the collection's LegalBot metadata")
            : null;

    private static T Read<T>(JsonNode? json, string what)
    {
        try
        {
            return json.Deserialize<T>(Json) ?? throw new QdrantException($"{what} is empty");
        }
        catch (JsonException ex)
        {
            throw new QdrantException($"{what} is not in LegalBot's layout: {ex.Message}", ex);
        }
    }

    private static Dictionary<string, Value> Fields(JsonElement obj) =>
        obj.EnumerateObject().ToDictionary(p => p.Name, p => ToValue(p.Value), StringComparer.Ordinal);

    private static Value ToValue(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => new Value { StringValue = json.GetString() },
        JsonValueKind.Number when json.TryGetInt64(out var integer) => new Value { IntegerValue = integer },
        JsonValueKind.Number => new Value { DoubleValue = json.GetDouble() },
        JsonValueKind.True => new Value { BoolValue = true },
        JsonValueKind.False => new Value { BoolValue = false },
        JsonValueKind.Array => new Value { ListValue = new ListValue { Values = { json.EnumerateArray().Select(ToValue) } } },
        JsonValueKind.Object => new Value { StructValue = new Struct { Fields = { Fields(json) } } },
        _ => new Value { NullValue = NullValue.NullValue },
    };

    private static JsonObject ToJson(MapField<string, Value> fields) =>
        new(fields.Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value))));

    private static JsonNode? ToJson(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => JsonValue.Create(value.StringValue),
        Value.KindOneofCase.IntegerValue => JsonValue.Create(value.IntegerValue),
        Value.KindOneofCase.DoubleValue => JsonValue.Create(value.DoubleValue),
        Value.KindOneofCase.BoolValue => JsonValue.Create(value.BoolValue),
        Value.KindOneofCase.ListValue => new JsonArray(value.ListValue.Values.Select(ToJson).ToArray()),
        Value.KindOneofCase.StructValue => ToJson(value.StructValue.Fields),
        _ => null,
    };
}
