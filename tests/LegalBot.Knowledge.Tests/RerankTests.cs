using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Reranking;
using LegalBot.Knowledge.Reranking.Api;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;
using LegalBot.Knowledge.Tests.Qdrant;
using LegalBot.Tests.Fakes;

namespace LegalBot.Knowledge.Tests;

/// <summary>The cross-encoder second stage over the /rerank wire format (a local fake endpoint), and its fallbacks.</summary>
public sealed class RerankTests : IAsyncLifetime
{
    private const string Question = "经济困难请求支付劳动报酬可以申请法律援助吗";
    private FakeOpenAi _models = null!;
    private EmbeddedIndex _index = null!;

    public async Task InitializeAsync()
    {
        _models = await FakeOpenAi.StartAsync();
        _index = await EmbeddedIndex.OpenAsync(null, SparseEncoder.Default);
        await _index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce(), Docs.Law()], []), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _index.Dispose();
        await _models.DisposeAsync();
    }

    private RerankSettings Settings(int depth = 30, double timeoutSeconds = 3) =>
        new(_models.Endpoint, "bge-reranker-v2-m3", "secret", depth, TimeSpan.FromSeconds(timeoutSeconds));

    private KnowledgeRetriever Retriever(PassageReranker? reranker) => new(_index, new QueryAnalyzer(SynonymTable.Empty), null, reranker);

    /// <summary>A "model" that knows 第二条 (the definition) answers best, whatever the words.</summary>
    private static double PrefersDefinition(string query, string passage) => passage.Contains("第二条", StringComparison.Ordinal) ? 0.9 : 0.2;

    private static List<string> Ids(RetrievalResult r) => r.Hits.Select(h => h.Chunk.Id).ToList();

    [Fact]
    public async Task The_model_reorders_the_candidates_it_is_sent()
    {
        var lexical = await Retriever(null).SearchAsync(Question, new RetrievalOptions(3), CancellationToken.None);
        Assert.Equal("第三十一条", lexical.Best!.Chunk.ArticleLabel);

        _models.RerankScore = PrefersDefinition;
        using var reranker = new PassageReranker(new HttpRelevanceScorer(Settings(depth: 4)), Settings(depth: 4));
        var reranked = await Retriever(reranker).SearchAsync(Question, new RetrievalOptions(3), CancellationToken.None);

        Assert.Equal("第二条", reranked.Best!.Chunk.ArticleLabel);
        Assert.Equal(0.9, reranked.Best.Score, 6);
        Assert.Equal(3, reranked.Hits.Count);
        Assert.All(reranked.Hits, h => Assert.InRange(h.Score, 0, 1));
        Assert.Equal(0, reranker.Failures);
        Assert.True(reranked.Reranked);
        Assert.True(reranked.Confidence >= 0.9, "the model's relevance vouches for the best hit");

        var request = Assert.Single(_models.Requests, r => r.Path == "rerank").Body;
        Assert.Equal("bge-reranker-v2-m3", request["model"]!.GetValue<string>());
        Assert.Equal(Question, request["query"]!.GetValue<string>());
        var documents = request["documents"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Equal(4, documents.Count); // Depth candidates, more than the 3 returned
        Assert.StartsWith("《中华人民共和国法律援助法》第三十一条\n第三十一条 下列事项", documents[0], StringComparison.Ordinal);
        Assert.Equal(4, request["top_n"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_exact_article_reference_stays_first_and_a_follow_up_sends_its_context()
    {
        _models.RerankScore = PrefersDefinition;
        using var reranker = new PassageReranker(new HttpRelevanceScorer(Settings()), Settings());
        var result = await Retriever(reranker).SearchAsync("法律援助法第三十一条", new RetrievalOptions(3), CancellationToken.None);
        Assert.Equal("第三十一条", result.Best!.Chunk.ArticleLabel);
        Assert.Equal(double.MaxValue, result.Best.Score);
        Assert.Equal("第二条", result.Hits[1].Chunk.ArticleLabel);

        await Retriever(reranker).SearchAsync("要什么材料", new RetrievalOptions(3, Context: "离婚"), CancellationToken.None);
        Assert.Equal("离婚\n要什么材料", _models.Requests[^1].Body["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Raw_logits_become_relevances_in_the_unit_interval()
    {
        _models.RerankScore = (q, p) => p.Contains("第二条", StringComparison.Ordinal) ? 4.0 : -2.0;
        using var reranker = new PassageReranker(new HttpRelevanceScorer(Settings()), Settings());
        var result = await Retriever(reranker).SearchAsync(Question, new RetrievalOptions(3), CancellationToken.None);
        Assert.Equal("第二条", result.Best!.Chunk.ArticleLabel);
        Assert.Equal(1 / (1 + Math.Exp(-4.0)), result.Best.Score, 6);
        Assert.All(result.Hits.Skip(1), h => Assert.Equal(1 / (1 + Math.Exp(2.0)), h.Score, 6));
    }

    [Theory]
    [InlineData("status", "answered 500")]
    [InlineData("malformed", "malformed JSON")]
    [InlineData("missing", "passages (passage")]
    [InlineData("out-of-range", "has index")]
    [InlineData("slow", "did not answer within 0.5 s")]
    public async Task A_failing_or_late_reranker_keeps_the_first_stage_order(string fault, string problem)
    {
        var lexical = await Retriever(null).SearchAsync(Question, new RetrievalOptions(5), CancellationToken.None);
        _models.RerankScore = PrefersDefinition;
        switch (fault)
        {
            case "status": _models.Status = 500; break;
            case "slow": _models.RerankDelay = TimeSpan.FromSeconds(5); break;
            default: _models.RerankFault = fault; break;
        }
        // Only the "slow" case may hit the deadline (a cold first request can take a while on CI).
        var settings = Settings(timeoutSeconds: fault == "slow" ? 0.5 : 30);
        using var reranker = new PassageReranker(new HttpRelevanceScorer(settings), settings);

        var result = await Retriever(reranker).SearchAsync(Question, new RetrievalOptions(5), CancellationToken.None);

        Assert.Equal(Ids(lexical), Ids(result));
        Assert.False(result.Reranked);
        Assert.Equal(lexical.Confidence, result.Confidence);
        Assert.Equal(lexical.Hits.Select(h => h.Score), result.Hits.Select(h => h.Score));
        Assert.Equal(1, reranker.Failures);
        Assert.Contains(problem, reranker.LastProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_a_failure_not_an_exception()
    {
        var settings = new RerankSettings(new Uri("http://127.0.0.1:9/v1"), "m");
        using var reranker = new PassageReranker(new HttpRelevanceScorer(settings), settings);
        var result = await Retriever(reranker).SearchAsync(Question, new RetrievalOptions(3), CancellationToken.None);
        Assert.Equal("第三十一条", result.Best!.Chunk.ArticleLabel);
        Assert.Contains("unreachable", reranker.LastProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_passage_must_be_scored_exactly_once()
    {
        var ex = Assert.Throws<RerankException>(() => HttpRelevanceScorer.Align([new RerankResult(0, 0.5), new RerankResult(0, 0.4)], 2));
        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
        Assert.Throws<RerankException>(() => HttpRelevanceScorer.Align([new RerankResult(0, double.NaN)], 1));
        Assert.Throws<RerankException>(() => HttpRelevanceScorer.Align([new RerankResult(null, 0.5)], 1));
        Assert.Throws<RerankException>(() => HttpRelevanceScorer.Align(null, 1));
        Assert.Equal([0.1, 0.7], HttpRelevanceScorer.Align([new RerankResult(1, 0.7), new RerankResult(0, 0.1)], 2));
    }

    [Fact]
    public void Settings_problems_are_named()
    {
        var problems = new RerankSettings(new Uri("ftp://x/"), " ", null, 0, TimeSpan.Zero).Problems().ToList();
        Assert.Equal(4, problems.Count);
        Assert.Contains("Rerank:Depth must be between 1 and 100", problems);
        Assert.Empty(new RerankSettings(new Uri("http://models:8000/v1"), "bge-reranker-v2-m3").Problems());
    }
}
