using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;
using LegalBot.Knowledge.Tests.Qdrant;
using LegalBot.Tests.Fakes;

namespace LegalBot.Knowledge.Tests;

/// <summary>Dense embeddings over the OpenAI wire format (a local fake endpoint), batching, caching and failure.</summary>
public class EmbeddingTests
{
    private static EmbeddingSettings Settings(FakeOpenAi fake, int batch = 64) => new(fake.Endpoint, "bge-m3", 32, "k", batch);

    [Fact]
    public async Task Chunks_are_embedded_in_batches_over_the_OpenAI_wire_format_and_cached_by_content()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        using var k = new TempKnowledge();
        var embedder = await OpenAiEmbeddings.CreateEmbedderAsync(Settings(fake, batch: 2), k.Data, CancellationToken.None);

        var texts = new[] { "老板拖欠工资", "离婚登记材料", "法律援助申请", "劳动仲裁时效", "公证办理" };
        var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);
        Assert.Equal(5, vectors.Length);
        Assert.All(vectors, v => Assert.Equal(32, v.Length));
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4));
        var expected = FakeOpenAi.Vector("离婚登记材料", 32);
        var norm = (float)Math.Sqrt(expected.Sum(x => x * x));
        Assert.Equal(expected.Select(x => x / norm), vectors[1], (a, b) => Math.Abs(a - b) < 1e-5);

        var calls = fake.Requests.Where(r => r.Path == "embeddings").ToList();
        Assert.Equal(3, calls.Count); // 5 texts in batches of 2
        Assert.Equal("bge-m3", calls[0].Body["model"]!.GetValue<string>());
        Assert.Equal(32, calls[0].Body["dimensions"]!.GetValue<int>());

        // Cached by content: nothing is sent again, in this process or after a restart.
        await embedder.EmbedAsync(texts, CancellationToken.None);
        await embedder.Cache.SaveAsync(CancellationToken.None);
        var reopened = await OpenAiEmbeddings.CreateEmbedderAsync(Settings(fake), k.Data, CancellationToken.None);
        Assert.Equal(vectors[3], (await reopened.EmbedAsync([texts[3], "新的文本"], CancellationToken.None))[0]);
        Assert.Equal(4, fake.Requests.Count(r => r.Path == "embeddings"));
        Assert.Single(fake.Requests[^1].Body["input"]!.AsArray());
    }

    [Fact]
    public async Task Hybrid_retrieval_over_the_endpoint_and_sparse_only_when_it_is_down()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var embedder = await OpenAiEmbeddings.CreateEmbedderAsync(Settings(fake), null, CancellationToken.None);
        using var index = await EmbeddedIndex.OpenAsync(null, SparseEncoder.Default, embedder);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce(), Docs.Law()], []), CancellationToken.None);
        Assert.True(index.HasEmbeddings);
        var retriever = new KnowledgeRetriever(index, new QueryAnalyzer(SynonymTable.Empty), embedder);

        var hybrid = await retriever.SearchAsync("老板拖欠工资怎么办", null, CancellationToken.None);
        Assert.Equal("guides/wages", hybrid.Best!.Document.Id);
        Assert.Contains(fake.Requests, r => r.Path == "embeddings" && r.Body["input"]!.AsArray().Any(i => i!.GetValue<string>() == "老板拖欠工资怎么办"));

        fake.Status = 500;
        var degraded = await retriever.SearchAsync("老板拖欠工资怎么办", null, CancellationToken.None);
        Assert.Equal("guides/wages", degraded.Best!.Document.Id);
        Assert.Equal(1, retriever.EmbeddingFailures);

        // A staff edit while the endpoint is down still goes live, sparse-only; vectors follow when it is back.
        await index.ApplyAsync(new IndexBatch([Docs.Wages("新内容。")], []), CancellationToken.None);
        Assert.Contains("新内容", (await index.GetChunksAsync("guides/wages", CancellationToken.None))[0].Text, StringComparison.Ordinal);
        Assert.False(index.HasEmbeddings);
        Assert.NotNull(index.EmbeddingProblem);
        Assert.Equal("guides/wages", (await retriever.SearchAsync("老板拖欠工资怎么办", null, CancellationToken.None)).Best!.Document.Id);

        fake.Status = 200;
        await index.ApplyAsync(new IndexBatch([], []), CancellationToken.None);
        Assert.True(index.HasEmbeddings);
        Assert.Null(index.EmbeddingProblem);
    }

    [Fact]
    public async Task A_model_returning_other_dimensions_is_an_error()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.ForcedDimensions = 24;
        var embedder = await OpenAiEmbeddings.CreateEmbedderAsync(new EmbeddingSettings(fake.Endpoint, "m", 16), null, CancellationToken.None);
        var error = await Assert.ThrowsAsync<EmbeddingException>(() => embedder.EmbedAsync(["文本"], CancellationToken.None));
        Assert.Contains("dimensions", error.Message, StringComparison.Ordinal);
    }
}
