using Google.Protobuf.Collections;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace LegalBot.QdrantFake;

/// <summary>A point as the fake keeps it: named sparse vectors (index → weight), named unit-length dense vectors, payload.</summary>
internal sealed record StoredPoint(
    string Key,
    PointId Id,
    Dictionary<string, Dictionary<uint, float>> Sparse,
    Dictionary<string, float[]> Dense,
    MapField<string, Value> Payload);

/// <summary>A collection: its creation request (the configuration), metadata, points by id, payload indexes.</summary>
internal sealed class StoredCollection(CreateCollection config)
{
    public CreateCollection Config { get; } = config;
    public MapField<string, Value> Metadata { get; } = config.Metadata.Clone();
    /// <summary>Ordered by id, as Qdrant scrolls.</summary>
    public SortedDictionary<string, StoredPoint> Points { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PayloadSchemaType> PayloadIndexes { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, SparseVectorParams> SparseParams =>
        Config.SparseVectorsConfig?.Map ?? (IReadOnlyDictionary<string, SparseVectorParams>)new Dictionary<string, SparseVectorParams>();

    public IReadOnlyDictionary<string, VectorParams> DenseParams => Config.VectorsConfig?.ConfigCase switch
    {
        VectorsConfig.ConfigOneofCase.ParamsMap => Config.VectorsConfig.ParamsMap.Map,
        VectorsConfig.ConfigOneofCase.Params => new Dictionary<string, VectorParams> { [""] = Config.VectorsConfig.Params },
        _ => new Dictionary<string, VectorParams>(),
    };
}

/// <summary>
/// The fake's state. Every service call runs under <see cref="Gate"/>, so each request is atomic, as Qdrant's
/// single-request operations (a batch, an alias change) are.
/// </summary>
internal sealed class FakeStore
{
    public Lock Gate { get; } = new();
    public Dictionary<string, StoredCollection> Collections { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Aliases { get; } = new(StringComparer.Ordinal);

    /// <summary>A collection by name or alias, as Qdrant resolves either.</summary>
    public StoredCollection? Resolve(string name) =>
        Collections.GetValueOrDefault(Aliases.GetValueOrDefault(name) ?? name);

    public StoredCollection Require(string name) =>
        Resolve(name) ?? throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{name}` doesn't exist!"));

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, "Wrong input: " + message));

    /// <summary>Qdrant's own key for an id: the number, or the UUID in canonical form (it accepts any UUID spelling).</summary>
    public static string KeyOf(PointId id) => id.PointIdOptionsCase switch
    {
        PointId.PointIdOptionsOneofCase.Num => id.Num.ToString(System.Globalization.CultureInfo.InvariantCulture),
        PointId.PointIdOptionsOneofCase.Uuid when Guid.TryParse(id.Uuid, out var g) => g.ToString("D"),
        PointId.PointIdOptionsOneofCase.Uuid => throw Invalid($"Unable to parse UUID: {id.Uuid}"),
        _ => throw Invalid("point id is empty"),
    };

    public static PointId IdOf(string key) =>
        ulong.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? new PointId { Num = n }
            : new PointId { Uuid = key };
}
