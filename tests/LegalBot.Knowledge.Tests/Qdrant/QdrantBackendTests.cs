using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Index.Qdrant;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>Qdrant-specific behaviour over the local fake: wire contract, alias rebuilds, failures, schema checks.</summary>
public class QdrantBackendTests
{
    private static readonly QueryAnalyzer Analyzer = new(SynonymTable.Empty);

    private static Task<IReadOnlyList<ChunkHit>> SearchAsync(IKnowledgeIndex index, string question) =>
        index.SearchAsync(new IndexQuery(Analyzer.Analyze(question).Sparse), null, 5, CancellationToken.None);

    private static Task<QdrantIndex> OpenAsync(FakeQdrant fake, ChunkEmbedder? embedder = null, string? apiKey = null) =>
        QdrantIndex.OpenAsync(new QdrantSettings(fake.Url, "kb", apiKey, MaxRetries: 2), SparseEncoder.Default, embedder);

    [Fact]
    public void The_contract_rejects_invented_fields_wrong_types_and_null_vectors()
    {
        var c = QdrantContract.Instance;
        JsonElement Json(string s) => JsonDocument.Parse(s).RootElement;
        const string query = "/collections/kb/points/query";
        Assert.Empty(c.ValidateRequest("POST", query, Json("""{"query":{"indices":[1,2],"values":[0.5,1]},"using":"text","limit":5,"with_payload":true}""")));
        Assert.NotEmpty(c.ValidateRequest("POST", query, Json("""{"query":{"indices":[1],"values":[1]},"usin":"text"}""")));
        Assert.NotEmpty(c.ValidateRequest("POST", query, Json("""{"query":{"indices":[1],"values":[1]},"limit":"five"}""")));
        Assert.NotEmpty(c.ValidateRequest("POST", query, Json("""{"query":{"indices":[-1],"values":[1]}}""")));
        Assert.NotEmpty(c.ValidateRequest("PUT", "/collections/kb/points", Json("""{"points":[{"id":"x","vector":null}]}""")));
        Assert.Empty(c.ValidateRequest("POST", "/collections/aliases", Json("""{"actions":[{"create_alias":{"collection_name":"a","alias_name":"b"}}]}""")));
        Assert.NotEmpty(c.ValidateRequest("POST", "/collections/aliases", Json("""{"actions":[{"create_alias":{"collection":"a","alias_name":"b"}}]}""")));
    }

    [Fact]
    public async Task Every_request_and_response_follows_the_OpenAPI_contract()
    {
        await using var fake = await FakeQdrant.StartAsync();
        var embedder = new ChunkEmbedder(new ConceptEmbeddings(), EmbeddingCache.InMemory("concepts"), 8);
        using var index = await OpenAsync(fake, embedder);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce(), Docs.Law()], []), CancellationToken.None);
        await index.ApplyAsync(new IndexBatch([Docs.Wages("改。")], []), CancellationToken.None);
        var kb = new KnowledgeRetriever(index, Analyzer, embedder);
        await kb.SearchAsync("法律援助法第三十一条", null, CancellationToken.None);
        await kb.SearchAsync("一直拿不到钱", new RetrievalOptions(Filter: new SearchFilter("示范县", new HashSet<Documents.DocumentKind> { Documents.DocumentKind.Guide })), CancellationToken.None);
        await index.RebuildAsync([Docs.Law()], CancellationToken.None);

        Assert.Empty(fake.Violations);
        var seen = fake.Requests.Select(r => string.Join(' ', r.Split(' ')[0], System.Text.RegularExpressions.Regex.Replace(r.Split(' ')[1], "kb-[0-9]+", "kb-N"))).ToHashSet();
        foreach (var expected in new[]
        {
            "GET /aliases", "PUT /collections/kb-N", "PUT /collections/kb-N/index", "PUT /collections/kb-N/points", "POST /collections/aliases",
            "POST /collections/kb/points/scroll", "POST /collections/kb/points/delete", "PUT /collections/kb/points", "POST /collections/kb/points/batch",
            "PATCH /collections/kb-N", "POST /collections/kb/points/query", "DELETE /collections/kb-N", "GET /collections/kb-N",
        })
        {
            Assert.Contains(expected, seen);
        }
    }

    [Fact]
    public async Task A_rebuild_goes_into_a_new_collection_and_switches_the_alias()
    {
        await using var fake = await FakeQdrant.StartAsync();
        using var index = await OpenAsync(fake);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce()], []), CancellationToken.None);
        var before = fake.AliasTarget("kb");

        await Task.Delay(5); // collection names carry milliseconds
        await index.RebuildAsync([Docs.Law()], CancellationToken.None);
        var after = fake.AliasTarget("kb");
        Assert.NotEqual(before, after);
        Assert.Equal([after!], fake.CollectionNames);
        Assert.Equal("laws/法律援助法", (await SearchAsync(index, "法律援助 劳动报酬"))[0].Document.Id);
        Assert.Empty(await SearchAsync(index, "结婚证"));
    }

    [Fact]
    public async Task A_failed_rebuild_keeps_serving_the_old_collection_and_drops_the_half_built_one()
    {
        await using var fake = await FakeQdrant.StartAsync();
        using var index = await OpenAsync(fake);
        await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);
        var before = fake.AliasTarget("kb");

        await Task.Delay(5);
        fake.FailPath("/collections/aliases", 3);
        await Assert.ThrowsAsync<QdrantException>(() => index.RebuildAsync([Docs.Law()], CancellationToken.None));
        Assert.Equal(before, fake.AliasTarget("kb"));
        Assert.Equal([before!], fake.CollectionNames);
        Assert.Equal("guides/wages", (await SearchAsync(index, "老板拖欠工资"))[0].Document.Id);
    }

    [Fact]
    public async Task A_failed_update_leaves_the_old_content_served_and_the_next_run_completes_it()
    {
        await using var fake = await FakeQdrant.StartAsync();
        using var index = await OpenAsync(fake);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce(), Docs.Law()], []), CancellationToken.None);

        fake.FailPath("/points/batch", 3);
        var error = await Assert.ThrowsAsync<QdrantException>(() =>
            index.ApplyAsync(new IndexBatch([Docs.Wages("或12345。")], []), CancellationToken.None));
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.True(fake.HiddenPointCount("kb") > 0);
        var served = await index.GetChunksAsync("guides/wages", CancellationToken.None);
        Assert.Equal(2, served.Count);
        Assert.DoesNotContain("12345", served[0].Text, StringComparison.Ordinal);
        Assert.All(await SearchAsync(index, "工资 劳动仲裁 12345"), h => Assert.DoesNotContain("12345", h.Chunk.Text, StringComparison.Ordinal));

        var retry = await index.ApplyAsync(new IndexBatch([Docs.Wages("或12345。")], []), CancellationToken.None);
        Assert.Equal(1, retry.Changed);
        Assert.Equal(0, fake.HiddenPointCount("kb"));
        Assert.Equal(6, fake.PointCount("kb"));
        Assert.Contains("12345", (await index.GetChunksAsync("guides/wages", CancellationToken.None))[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transient_errors_are_retried_and_an_unreachable_server_is_a_clear_error()
    {
        await using var fake = await FakeQdrant.StartAsync();
        using var index = await OpenAsync(fake);
        await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);
        fake.FailNext(2, 503);
        Assert.NotEmpty(await SearchAsync(index, "老板拖欠工资"));

        fake.FailNext(10, 503);
        var down = await Assert.ThrowsAsync<QdrantException>(() => SearchAsync(index, "老板拖欠工资"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        fake.FailNext(0);

        var unreachable = await Assert.ThrowsAsync<QdrantException>(() =>
            QdrantIndex.OpenAsync(new QdrantSettings(new Uri("http://127.0.0.1:1"), "kb", MaxRetries: 1), SparseEncoder.Default, null));
        Assert.Contains("unreachable", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_collection_that_does_not_match_the_configuration_is_refused()
    {
        await using var fake = await FakeQdrant.StartAsync();
        using (var index = await OpenAsync(fake)) await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);

        // Embeddings switched on after the collection was built sparse-only.
        var embedder = new ChunkEmbedder(new ConceptEmbeddings(), EmbeddingCache.InMemory("concepts"), 8);
        var dense = await Assert.ThrowsAsync<QdrantException>(() => OpenAsync(fake, embedder));
        Assert.Contains("does not match", dense.Message, StringComparison.Ordinal);
        Assert.Contains("--rebuild", dense.Message, StringComparison.Ordinal);

        // Other BM25 parameters weigh terms differently: scores would be silently wrong.
        var other = new SparseEncoder(Tokenizer.Default, Bm25Parameters.Default with { K1 = 2 });
        await Assert.ThrowsAsync<QdrantException>(() => QdrantIndex.OpenAsync(new QdrantSettings(fake.Url, "kb"), other, null));

        fake.SetMetadata("kb", "legalbot", null);
        var foreign = await Assert.ThrowsAsync<QdrantException>(() => OpenAsync(fake));
        Assert.Contains("no LegalBot metadata", foreign.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_key_is_sent_and_a_wrong_one_is_reported()
    {
        await using var fake = await FakeQdrant.StartAsync(apiKey: "s3cret");
        using (var index = await OpenAsync(fake, apiKey: "s3cret")) await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);
        var wrong = await Assert.ThrowsAsync<QdrantException>(() => OpenAsync(fake, apiKey: "guess"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task When_field_lengths_drift_the_update_becomes_a_rebuild()
    {
        await using var fake = await FakeQdrant.StartAsync();
        using var index = await OpenAsync(fake);
        await index.ApplyAsync(new IndexBatch([Docs.Divorce()], []), CancellationToken.None);
        var before = fake.AliasTarget("kb");
        await Task.Delay(5);

        // A small edit keeps the frozen averages; a much longer document moves them past the limit.
        await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);
        var afterSmall = fake.AliasTarget("kb");
        await Task.Delay(5);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(string.Concat(Enumerable.Repeat("劳动者可以依法维护自己的合法权益。", 40)))], []), CancellationToken.None);
        var afterLarge = fake.AliasTarget("kb");

        Assert.NotEqual(afterSmall, afterLarge);
        Assert.Equal([afterLarge!], fake.CollectionNames);
        Assert.Equal(2, (await index.GetDocumentsAsync(CancellationToken.None)).Count);
        Assert.NotNull(before);
    }
}
