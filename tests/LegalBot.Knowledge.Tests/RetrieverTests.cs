using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;
using Moq;

namespace LegalBot.Knowledge.Tests;

public class RetrieverTests
{
    private static readonly DocumentInfo Labour = new("laws/劳动合同法", "laws/劳动合同法.md", "h1", "中华人民共和国劳动合同法", null,
        DocumentKind.Regulation, null, null, null, null, [], null);
    private static readonly DocumentInfo Guide = new("guides/wages", "guides/wages.md", "h2", "讨薪指南", null,
        DocumentKind.Guide, "示例县", null, null, null, [], null);

    private static KnowledgeChunk Article(string label) =>
        new($"laws/劳动合同法#{label}", "laws/劳动合同法", 0, label, [], label + " 内容。", 1, "x");

    [Fact]
    public async Task A_named_statute_is_searched_first_and_an_explicit_article_comes_back_exactly()
    {
        var index = new Mock<IKnowledgeIndex>(MockBehavior.Strict);
        index.Setup(i => i.GetDocumentsAsync(It.IsAny<CancellationToken>())).ReturnsAsync([Labour, Guide]);
        index.Setup(i => i.GetChunksAsync("laws/劳动合同法", It.IsAny<CancellationToken>()))
            .ReturnsAsync([Article("第四十六条"), Article("第四十七条")]);
        index.Setup(i => i.SearchAsync(It.IsAny<IndexQuery>(), It.Is<SearchFilter?>(f => f != null && f.DocumentIds!.SetEquals(new[] { "laws/劳动合同法" })), 5, It.IsAny<CancellationToken>()))
            .ReturnsAsync([new ChunkHit(Article("第四十七条"), Labour, 3.0)]);
        index.Setup(i => i.SearchAsync(It.IsAny<IndexQuery>(), null, KnowledgeRetriever.CoverageDepth, It.IsAny<CancellationToken>()))
            .ReturnsAsync([new ChunkHit(new KnowledgeChunk("guides/wages#a", "guides/wages", 0, null, ["讨薪"], "讨薪。", 1, "y"), Guide, 2.0)]);

        var retriever = new KnowledgeRetriever(index.Object, new QueryAnalyzer(SynonymTable.Empty));
        var result = await retriever.SearchAsync("劳动合同法第46条规定了什么", new RetrievalOptions(Top: 5), CancellationToken.None);

        Assert.Equal(["laws/劳动合同法#第四十六条", "laws/劳动合同法#第四十七条", "guides/wages#a"], result.Hits.Select(h => h.Chunk.Id));
        Assert.Equal(new ArticleLabel(46, 0), result.Query.Article);
        index.VerifyAll();
    }

    [Fact]
    public async Task A_matter_whose_governing_article_the_statute_search_also_ranks_comes_first()
    {
        // Two matters matched equally on citizens' words (the other even a little better); only one rests on an article
        // that the statute text itself ranks among the candidates.
        static DocumentInfo MatterDoc(string id, string title) => Labour with { Id = id, SourcePath = id + ".md", Title = title, Kind = DocumentKind.Matter };
        static KnowledgeChunk MatterChunk(string id, string article) =>
            new(id + "#", id, 0, null, [], "解答。", 1, id, ["被辞退了怎么办"], [new ArticleReference("劳动合同法", article)]);
        var agreeing = MatterDoc("matters/dismissal", "被辞退能拿补偿吗");
        var other = MatterDoc("matters/penalty", "辞职要赔违约金吗");
        var index = new Mock<IKnowledgeIndex>();
        index.Setup(i => i.GetDocumentsAsync(It.IsAny<CancellationToken>())).ReturnsAsync([Labour, agreeing, other]);
        index.Setup(i => i.SearchAsync(It.IsAny<IndexQuery>(), It.IsAny<SearchFilter?>(), It.IsAny<int>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync([new ChunkHit(MatterChunk(other.Id, "第九十条"), other, 10.2), new ChunkHit(MatterChunk(agreeing.Id, "第四十七条"), agreeing, 10.0),
                new ChunkHit(Article("第四十七条"), Labour, 4.0)]);

        var on = await new KnowledgeRetriever(index.Object, new QueryAnalyzer(SynonymTable.Empty)).SearchAsync("被辞退了怎么办", null, CancellationToken.None);
        Assert.Equal(agreeing.Id, on.Best!.Document.Id);

        var off = new QueryAnalyzer(Tokenizer.Default, SynonymTable.Empty, QueryWeights.Default with { Agreement = 0 });
        Assert.Equal(other.Id, (await new KnowledgeRetriever(index.Object, off).SearchAsync("被辞退了怎么办", null, CancellationToken.None)).Best!.Document.Id);
    }

    [Fact]
    public async Task Questions_without_a_statute_name_search_everything_once()
    {
        var index = new Mock<IKnowledgeIndex>();
        index.Setup(i => i.GetDocumentsAsync(It.IsAny<CancellationToken>())).ReturnsAsync([Labour, Guide]);
        index.Setup(i => i.SearchAsync(It.IsAny<IndexQuery>(), It.IsAny<SearchFilter?>(), It.IsAny<int>(), It.IsAny<CancellationToken>())).ReturnsAsync([]);
        var retriever = new KnowledgeRetriever(index.Object, new QueryAnalyzer(SynonymTable.Empty));
        await retriever.SearchAsync("老板拖欠工资怎么办", null, CancellationToken.None);
        index.Verify(i => i.SearchAsync(It.IsAny<IndexQuery>(), null, KnowledgeRetriever.CoverageDepth, It.IsAny<CancellationToken>()), Times.Once);
        index.Verify(i => i.GetChunksAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public void Query_analysis_drops_scaffolding_and_adds_synonyms_at_lower_weight()
    {
        var diagnostics = new List<KnowledgeDiagnostic>();
        var synonyms = SynonymTable.Parse("老板 => 用人单位", "s.txt", diagnostics);
        var q = new QueryAnalyzer(synonyms).Analyze("请问老板不给工资怎么办？");
        Assert.DoesNotContain("怎么", q.Sparse.Terms.Keys);
        Assert.DoesNotContain("请问", q.Sparse.Terms.Keys);
        Assert.True(q.Sparse.Terms["工资"] > q.Sparse.Terms["单位"]);
        Assert.Equal(["用人单位"], q.Expansions);
    }

    [Fact]
    public async Task Colloquial_questions_reach_statute_wording_through_synonyms()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        k.Write("synonyms.txt", "免费, 不要钱 => 无偿\n");
        using var kb = await KnowledgeBase.OpenAsync(k.Folder, null);
        await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal("第二条", (await kb.SearchAsync("法律援助要钱吗，是免费的吗")).Best!.Chunk.ArticleLabel);
    }

    [Fact]
    public async Task Region_and_kind_filters_apply()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        k.Write("guides/legal-aid.md", Samples.Guide);
        using var kb = await KnowledgeBase.OpenAsync(k.Folder, null);
        await kb.RefreshAsync(CancellationToken.None);
        var guides = await kb.SearchAsync("申请法律援助", new RetrievalOptions(10, new SearchFilter(Kinds: new HashSet<DocumentKind> { DocumentKind.Guide })));
        Assert.NotEmpty(guides.Hits);
        Assert.All(guides.Hits, h => Assert.Equal(DocumentKind.Guide, h.Document.Kind));
        var elsewhere = await kb.SearchAsync("申请法律援助", new RetrievalOptions(10, new SearchFilter(Region: "别的县", Kinds: new HashSet<DocumentKind> { DocumentKind.Guide })));
        Assert.Empty(elsewhere.Hits);
    }
}
