using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using Microsoft.Extensions.AI;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>
/// The backends the shared behaviour suite runs against: the embedded index, the Qdrant backend over the
/// in-process gRPC fake, and — when QDRANT_URL is set — the Qdrant backend over a live server (each test then
/// uses a fresh alias and deletes its collections afterwards).
/// </summary>
internal sealed class Backend : IAsyncDisposable
{
    public const string Embedded = "embedded", QdrantFake = "qdrant-fake", QdrantLive = "qdrant-live";

    private readonly Func<ValueTask> _cleanup;

    private Backend(string name, IKnowledgeIndex index, Func<ValueTask> cleanup)
    {
        Name = name;
        Index = index;
        _cleanup = cleanup;
    }

    public string Name { get; }
    public IKnowledgeIndex Index { get; }

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { Embedded, QdrantFake };
        if (QdrantServer.LiveUrl is not null) data.Add(QdrantLive);
        return data;
    }

    public static async Task<Backend> OpenAsync(string name, ChunkEmbedder? embedder = null, SparseEncoder? encoder = null)
    {
        encoder ??= SparseEncoder.Default;
        if (name == Embedded)
        {
            var embedded = await EmbeddedIndex.OpenAsync(null, encoder, embedder);
            return new Backend(name, embedded, () => { embedded.Dispose(); return ValueTask.CompletedTask; });
        }
        var server = await QdrantServer.StartAsync(name switch
        {
            QdrantFake => QdrantServer.Fake,
            QdrantLive => QdrantServer.Live,
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        });
        var index = await server.OpenAsync(server.NewAlias(), embedder, encoder);
        return new Backend(name, index, async () => { index.Dispose(); await server.DisposeAsync(); });
    }

    public ValueTask DisposeAsync() => _cleanup();
}

/// <summary>Documents for index tests, parsed by the real parser.</summary>
internal static class Docs
{
    public static KnowledgeDocument Parse(string path, string markdown)
    {
        var result = MarkdownDocumentParser.Parse(path, System.Text.Encoding.UTF8.GetBytes(markdown));
        Assert.Empty(result.Diagnostics);
        return result.Document!;
    }

    public static KnowledgeDocument Wages(string extra = "") => Parse("guides/wages.md",
        "---\ntitle: 讨薪指南\nkind: guide\nregion: 示范县\n---\n\n## 老板拖欠工资\n\n可以向劳动监察投诉，或者申请劳动仲裁。" + extra + "\n\n## 需要的材料\n\n劳动合同、工资条、考勤记录。\n");

    public static KnowledgeDocument Divorce() => Parse("guides/divorce.md",
        "---\ntitle: 离婚登记指南\nkind: guide\nregion: 另一县\n---\n\n## 材料\n\n双方身份证、户口簿、结婚证。\n");

    public static KnowledgeDocument Law() => Parse("laws/法律援助法.md",
        "# 中华人民共和国法律援助法\n\n## 第一章 总则\n\n第一条 为了规范和促进法律援助工作，保障公民和有关当事人的合法权益，制定本法。\n\n" +
        "第二条 本法所称法律援助，是国家建立的为经济困难公民和符合法定条件的其他当事人无偿提供法律咨询、代理、刑事辩护等法律服务的制度。\n\n" +
        "第三十一条 下列事项的当事人，因经济困难没有委托代理人的，可以向法律援助机构申请法律援助：\n\n（一）依法请求国家赔偿；\n\n（二）请求给予社会保险待遇或者社会救助；\n\n（三）请求支付劳动报酬；\n");
}

/// <summary>
/// A deterministic embedding model for tests: each text maps to the unit axes of the concepts it mentions
/// (several words per concept), so "拿不到钱" lands where "工资" does although they share no character.
/// </summary>
internal sealed class ConceptEmbeddings(int dimensions = 8) : IEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly string[][] Concepts =
    [
        ["工资", "拿不到钱", "劳动报酬", "讨薪"],
        ["离婚", "结婚证", "婚姻"],
        ["法律援助", "请不起律师", "没钱请律师"],
    ];

    public int Calls { get; private set; }
    public int TextsEmbedded { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var list = values.ToList();
        TextsEmbedded += list.Count;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(t => new Embedding<float>(Vector(t, dimensions)))));
    }

    public static float[] Vector(string text, int dimensions)
    {
        var v = new float[dimensions];
        for (var c = 0; c < Concepts.Length; c++)
        {
            if (Concepts[c].Any(w => text.Contains(w, StringComparison.Ordinal))) v[c] = 1;
        }
        v[dimensions - 1] = 0.05f; // never the zero vector
        return v;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() { }
}
