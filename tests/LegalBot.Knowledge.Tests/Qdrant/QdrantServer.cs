using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Index.Qdrant;
using LegalBot.QdrantFake;
using Qdrant.Client.Grpc;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>
/// A Qdrant the Qdrant tests run against: the in-process gRPC fake, or — when QDRANT_URL is set — a live
/// server (QDRANT_API_KEY for its key). Tests observe it through Qdrant.Client, never through the fake's
/// internals, so one test checks both. On a live server every alias is fresh and its collections are deleted
/// afterwards.
/// </summary>
internal sealed class QdrantServer : IAsyncDisposable
{
    public const string Fake = "fake", Live = "live";

    private readonly List<string> _aliases = [];
    private readonly QdrantConnection _inspector;

    private QdrantServer(string name, Uri url, string? apiKey, FakeQdrant? fake)
    {
        Name = name;
        Url = url;
        ApiKey = apiKey;
        FakeServer = fake;
        _inspector = new QdrantConnection(new QdrantSettings(url, ApiKey: apiKey, MaxRetries: 0), TimeProvider.System);
    }

    public string Name { get; }
    public Uri Url { get; }
    public string? ApiKey { get; }
    /// <summary>The fake, when this is the fake (for what only it can tell: the calls it served).</summary>
    public FakeQdrant? FakeServer { get; }

    public static Uri? LiveUrl =>
        Environment.GetEnvironmentVariable("QDRANT_URL") is { Length: > 0 } url ? new Uri(url) : null;

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { Fake };
        if (LiveUrl is not null) data.Add(Live);
        return data;
    }

    public static async Task<QdrantServer> StartAsync(string name, string? fakeApiKey = null) => name switch
    {
        Fake => await StartFakeAsync(fakeApiKey),
        Live => new QdrantServer(Live, LiveUrl ?? throw new InvalidOperationException("QDRANT_URL is not set"), Environment.GetEnvironmentVariable("QDRANT_API_KEY"), null),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static async Task<QdrantServer> StartFakeAsync(string? apiKey)
    {
        var fake = await FakeQdrant.StartAsync(apiKey);
        return new QdrantServer(Fake, fake.Url, apiKey, fake);
    }

    /// <summary>An alias no other test uses (on the fake, the readable "kb").</summary>
    public string NewAlias()
    {
        var alias = Name == Fake && _aliases.Count == 0 ? "kb" : "legalbot-test-" + Guid.NewGuid().ToString("N")[..8];
        _aliases.Add(alias);
        return alias;
    }

    public QdrantSettings Settings(string alias, int maxRetries = 2) => new(Url, alias, ApiKey, MaxRetries: maxRetries);

    public Task<QdrantIndex> OpenAsync(string alias, ChunkEmbedder? embedder = null, SparseEncoder? encoder = null, HttpMessageHandler? transport = null) =>
        QdrantIndex.OpenAsync(Settings(alias), encoder ?? SparseEncoder.Default, embedder, transport);

    public async Task<string?> AliasTargetAsync(string alias) =>
        (await _inspector.CallAsync("aliases", (c, ct) => c.ListAliasesAsync(ct), CancellationToken.None)).FirstOrDefault(a => a.AliasName == alias)?.CollectionName;

    /// <summary>The physical collections LegalBot made for <paramref name="alias"/> (<c>{alias}-{timestamp}</c>).</summary>
    public async Task<IReadOnlyList<string>> CollectionsOfAsync(string alias) =>
        (await _inspector.CallAsync("collections", (c, ct) => c.ListCollectionsAsync(ct), CancellationToken.None))
            .Where(n => n.StartsWith(alias + "-", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Points behind the alias; with <paramref name="live"/>, only those shown (true) or hidden (false).</summary>
    public async Task<ulong> CountAsync(string alias, bool? live = null)
    {
        var filter = live is { } l
            ? new Filter { Must = { new Condition { Field = new FieldCondition { Key = "live", Match = new Match { Boolean = l } } } } }
            : null;
        return await _inspector.CallAsync("count", (c, ct) => c.CountAsync(alias, filter, exact: true, cancellationToken: ct), CancellationToken.None);
    }

    /// <summary>Replaces LegalBot's metadata of the collection behind <paramref name="alias"/> with null, behind LegalBot's back.</summary>
    public async Task ClearLegalBotMetadataAsync(string alias)
    {
        var physical = await AliasTargetAsync(alias) ?? throw new InvalidOperationException($"no alias {alias}");
        var metadata = new Dictionary<string, Value> { ["legalbot"] = new() { NullValue = NullValue.NullValue } };
        await _inspector.CallAsync("metadata", (c, ct) => c.UpdateCollectionAsync(physical, metadata, cancellationToken: ct), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (FakeServer is null)
            {
                foreach (var alias in _aliases)
                {
                    foreach (var name in await CollectionsOfAsync(alias))
                        await _inspector.CallAsync("cleanup", (c, ct) => c.DeleteCollectionAsync(name, cancellationToken: ct), CancellationToken.None);
                }
            }
        }
        finally
        {
            _inspector.Dispose();
            if (FakeServer is not null) await FakeServer.DisposeAsync();
        }
    }
}
