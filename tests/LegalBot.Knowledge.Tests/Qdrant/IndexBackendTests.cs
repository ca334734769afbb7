using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>
/// The behaviour every <see cref="IKnowledgeIndex"/> must have, run against each backend (embedded, Qdrant
/// over the local fake, and a live Qdrant when QDRANT_URL is set).
/// </summary>
public class IndexBackendTests
{
    public static TheoryData<string> Backends => Backend.All();

    private static readonly QueryAnalyzer Analyzer = new(SynonymTable.Empty);

    private static Task<IReadOnlyList<ChunkHit>> SearchAsync(IKnowledgeIndex index, string question, SearchFilter? filter = null, float[]? dense = null) =>
        index.SearchAsync(new IndexQuery(Analyzer.Analyze(question).Sparse, dense), filter, 5, CancellationToken.None);

    [Theory, MemberData(nameof(Backends))]
    public async Task Add_change_delete_are_applied_and_counted(string backend)
    {
        await using var b = await Backend.OpenAsync(backend);
        var index = b.Index;

        var first = await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce(), Docs.Law()], []), CancellationToken.None);
        Assert.Equal((3, 0, 0, 3), (first.Added, first.Changed, first.Removed, first.Documents));
        Assert.Equal(6, first.Chunks);
        var docs = await index.GetDocumentsAsync(CancellationToken.None);
        Assert.Equal(["guides/divorce", "guides/wages", "laws/法律援助法"], docs.Select(d => d.Id).Order(StringComparer.Ordinal));
        var law = docs.Single(d => d.Kind == DocumentKind.Regulation);
        Assert.Equal("中华人民共和国法律援助法", law.Title);
        Assert.Equal(["第一条", "第二条", "第三十一条"], (await index.GetChunksAsync(law.Id, CancellationToken.None)).Select(c => c.ArticleLabel));

        var hit = (await SearchAsync(index, "老板拖欠工资怎么办"))[0];
        Assert.Equal("guides/wages", hit.Document.Id);
        Assert.Equal("示范县", hit.Document.Region);
        Assert.Contains("劳动仲裁", hit.Chunk.Text, StringComparison.Ordinal);

        var unchanged = await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce()], []), CancellationToken.None);
        Assert.Equal((0, 0, 0, 3), (unchanged.Added, unchanged.Changed, unchanged.Removed, unchanged.Documents));

        var changed = await index.ApplyAsync(new IndexBatch([Docs.Wages("也可以拨打12345热线。")], ["guides/divorce"]), CancellationToken.None);
        Assert.Equal((0, 1, 1, 2, 5), (changed.Added, changed.Changed, changed.Removed, changed.Documents, changed.Chunks));
        var wages = await index.GetChunksAsync("guides/wages", CancellationToken.None);
        Assert.Equal(2, wages.Count);
        Assert.Contains("12345", wages[0].Text, StringComparison.Ordinal);
        Assert.Empty(await SearchAsync(index, "结婚证 户口簿"));
        Assert.Empty(await index.GetChunksAsync("guides/divorce", CancellationToken.None));
        Assert.Equal(2, (await index.GetDocumentsAsync(CancellationToken.None)).Count);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_document_longer_than_a_scroll_page_is_read_whole(string backend)
    {
        // 600 articles: more than two of the Qdrant backend's scroll pages (256 points).
        static string Chinese(int n)
        {
            const string d = "零一二三四五六七八九";
            if (n < 10) return d[n].ToString();
            if (n < 100) return (n < 20 ? "" : d[n / 10].ToString()) + "十" + (n % 10 == 0 ? "" : d[n % 10].ToString());
            var rest = n % 100;
            return d[n / 100] + "百" + (rest == 0 ? "" : rest < 10 ? "零" + d[rest] : rest < 20 ? "一" + Chinese(rest) : Chinese(rest));
        }
        var articles = string.Concat(Enumerable.Range(1, 600).Select(n => $"第{Chinese(n)}条 第{n}项规定的事项，依照本法办理。\n\n"));
        var law = Docs.Parse("laws/长法.md", "# 长法\n\n" + articles);
        await using var b = await Backend.OpenAsync(backend);
        await b.Index.ApplyAsync(new IndexBatch([law, Docs.Wages()], []), CancellationToken.None);

        Assert.Equal(600, law.Chunks.Count);
        var chunks = await b.Index.GetChunksAsync(law.Info.Id, CancellationToken.None);
        Assert.Equal(law.Chunks.Select(c => c.Id), chunks.Select(c => c.Id));
        Assert.Equal(2, (await b.Index.GetDocumentsAsync(CancellationToken.None)).Count);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Filters_by_region_kind_and_document(string backend)
    {
        await using var b = await Backend.OpenAsync(backend);
        await b.Index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce(), Docs.Law()], []), CancellationToken.None);

        // A document without a region applies everywhere; one of another region does not.
        var inCounty = await SearchAsync(b.Index, "劳动报酬 工资", new SearchFilter(Region: "示范县"));
        Assert.Contains(inCounty, h => h.Document.Id == "laws/法律援助法");
        Assert.Contains(inCounty, h => h.Document.Id == "guides/wages");
        Assert.Empty(await SearchAsync(b.Index, "结婚证", new SearchFilter(Region: "示范县")));

        var regulations = await SearchAsync(b.Index, "劳动报酬 工资", new SearchFilter(Kinds: new HashSet<DocumentKind> { DocumentKind.Regulation }));
        Assert.All(regulations, h => Assert.Equal(DocumentKind.Regulation, h.Document.Kind));
        Assert.NotEmpty(regulations);

        var onlyWages = await SearchAsync(b.Index, "劳动报酬 工资", new SearchFilter(DocumentIds: new HashSet<string> { "guides/wages" }));
        Assert.All(onlyWages, h => Assert.Equal("guides/wages", h.Document.Id));
        Assert.NotEmpty(onlyWages);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Ranks_exactly_as_the_embedded_index(string backend)
    {
        var corpus = new[] { Docs.Wages(), Docs.Divorce(), Docs.Law() };
        await using var reference = await Backend.OpenAsync(Backend.Embedded);
        await reference.Index.ApplyAsync(new IndexBatch(corpus, []), CancellationToken.None);
        await using var b = await Backend.OpenAsync(backend);
        await b.Index.ApplyAsync(new IndexBatch(corpus, []), CancellationToken.None);

        foreach (var q in new[] { "没钱请律师怎么办", "老板拖欠工资", "离婚要带什么材料", "法律援助 劳动报酬", "国家赔偿" })
        {
            var expected = await SearchAsync(reference.Index, q);
            var actual = await SearchAsync(b.Index, q);
            Assert.Equal(expected.Select(h => h.Chunk.Id), actual.Select(h => h.Chunk.Id));
            for (var i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Score, actual[i].Score, 3);
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Hybrid_search_finds_by_meaning_what_shares_no_term(string backend)
    {
        var model = new ConceptEmbeddings();
        var embedder = new ChunkEmbedder(model, EmbeddingCache.InMemory("concepts"), 8);
        await using var b = await Backend.OpenAsync(backend, embedder);
        await b.Index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce()], []), CancellationToken.None);

        const string question = "一直拿不到钱";
        Assert.DoesNotContain(await SearchAsync(b.Index, question), h => h.Document.Id == "guides/wages");
        var hybrid = await SearchAsync(b.Index, question, dense: await embedder.EmbedQueryAsync(question, CancellationToken.None));
        Assert.Equal("guides/wages", hybrid[0].Document.Id);
        Assert.Equal(Rrf.Score(1), hybrid[0].Score, 3);
    }
}
