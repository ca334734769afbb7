using Grpc.Core;
using LegalBot.Knowledge.Embeddings;
using LegalBot.Knowledge.Index;
using LegalBot.Knowledge.Index.Qdrant;
using LegalBot.Knowledge.Search;
using LegalBot.Knowledge.Text;

namespace LegalBot.Knowledge.Tests.Qdrant;

/// <summary>
/// Qdrant-specific behaviour — gRPC contract, alias rebuilds, failures, schema checks — over the in-process
/// gRPC fake and, when QDRANT_URL is set, a live Qdrant. Failures are injected under the gRPC channel.
/// </summary>
public class QdrantBackendTests
{
    public static TheoryData<string> Servers => QdrantServer.All();

    private static readonly QueryAnalyzer Analyzer = new(SynonymTable.Empty);

    private static Task<IReadOnlyList<ChunkHit>> SearchAsync(IKnowledgeIndex index, string question) =>
        index.SearchAsync(new IndexQuery(Analyzer.Analyze(question).Sparse), null, 5, CancellationToken.None);

    [Fact]
    public async Task Every_call_is_a_method_of_Qdrants_gRPC_contract_that_the_fake_serves()
    {
        await using var server = await QdrantServer.StartAsync(QdrantServer.Fake);
        var fake = server.FakeServer!;
        var embedder = new ChunkEmbedder(new ConceptEmbeddings(), EmbeddingCache.InMemory("concepts"), 8);
        using var index = await server.OpenAsync("kb", embedder);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce(), Docs.Law()], []), CancellationToken.None);
        await index.ApplyAsync(new IndexBatch([Docs.Wages("改。")], []), CancellationToken.None);
        var kb = new KnowledgeRetriever(index, Analyzer, embedder);
        await kb.SearchAsync("法律援助法第三十一条", null, CancellationToken.None);
        await kb.SearchAsync("一直拿不到钱", new RetrievalOptions(Filter: new SearchFilter("示范县", new HashSet<Documents.DocumentKind> { Documents.DocumentKind.Guide })), CancellationToken.None);
        Assert.Equal(
            new Dictionary<string, string> { ["doc_id"] = "Keyword", ["kind"] = "Keyword", ["region"] = "Keyword", ["live"] = "Bool", ["ordinal"] = "Integer" },
            fake.PayloadIndexes("kb"));
        await Task.Delay(5); // collection names carry milliseconds
        await index.RebuildAsync([Docs.Law()], CancellationToken.None);

        Assert.Empty(fake.Violations);
        Assert.Equal(
            ["Collections/Create", "Collections/Delete", "Collections/Get", "Collections/ListAliases", "Collections/Update", "Collections/UpdateAliases",
             "Points/CreateFieldIndex", "Points/Delete", "Points/Query", "Points/Scroll", "Points/UpdateBatch", "Points/Upsert"],
            fake.Requests.Select(r => r.Split(' ')[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("Points/Query kb", fake.Requests);
    }

    [Theory, MemberData(nameof(Servers))]
    public async Task A_rebuild_goes_into_a_new_collection_and_switches_the_alias(string name)
    {
        await using var server = await QdrantServer.StartAsync(name);
        var alias = server.NewAlias();
        using var index = await server.OpenAsync(alias);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce()], []), CancellationToken.None);
        var before = await server.AliasTargetAsync(alias);

        await Task.Delay(5);
        await index.RebuildAsync([Docs.Law()], CancellationToken.None);
        var after = await server.AliasTargetAsync(alias);
        Assert.NotNull(before);
        Assert.NotEqual(before, after);
        Assert.Equal([after!], await server.CollectionsOfAsync(alias));
        Assert.Equal("laws/法律援助法", (await SearchAsync(index, "法律援助 劳动报酬"))[0].Document.Id);
        Assert.Empty(await SearchAsync(index, "结婚证"));
    }

    [Theory, MemberData(nameof(Servers))]
    public async Task A_failed_rebuild_keeps_serving_the_old_collection_and_drops_the_half_built_one(string name)
    {
        await using var server = await QdrantServer.StartAsync(name);
        var alias = server.NewAlias();
        using var faults = new FaultInjector();
        using var index = await server.OpenAsync(alias, transport: faults);
        await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);
        var before = await server.AliasTargetAsync(alias);

        await Task.Delay(5);
        faults.Fail("/UpdateAliases", 3);
        var error = await Assert.ThrowsAsync<QdrantException>(() => index.RebuildAsync([Docs.Law()], CancellationToken.None));
        Assert.StartsWith($"Qdrant refused switch of alias '{alias}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await server.AliasTargetAsync(alias));
        Assert.Equal([before!], await server.CollectionsOfAsync(alias));
        Assert.Equal("guides/wages", (await SearchAsync(index, "老板拖欠工资"))[0].Document.Id);
    }

    [Theory, MemberData(nameof(Servers))]
    public async Task A_failed_update_leaves_the_old_content_served_and_the_next_run_completes_it(string name)
    {
        await using var server = await QdrantServer.StartAsync(name);
        var alias = server.NewAlias();
        using var faults = new FaultInjector();
        using var index = await server.OpenAsync(alias, transport: faults);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(), Docs.Divorce(), Docs.Law()], []), CancellationToken.None);

        faults.Fail("/UpdateBatch", 3);
        var error = await Assert.ThrowsAsync<QdrantException>(() =>
            index.ApplyAsync(new IndexBatch([Docs.Wages("或12345。")], []), CancellationToken.None));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("update batch", error.Message, StringComparison.Ordinal);
        Assert.True(await server.CountAsync(alias, live: false) > 0);
        var served = await index.GetChunksAsync("guides/wages", CancellationToken.None);
        Assert.Equal(2, served.Count);
        Assert.DoesNotContain("12345", served[0].Text, StringComparison.Ordinal);
        Assert.All(await SearchAsync(index, "工资 劳动仲裁 12345"), h => Assert.DoesNotContain("12345", h.Chunk.Text, StringComparison.Ordinal));

        var retry = await index.ApplyAsync(new IndexBatch([Docs.Wages("或12345。")], []), CancellationToken.None);
        Assert.Equal(1, retry.Changed);
        Assert.Equal(0ul, await server.CountAsync(alias, live: false));
        Assert.Equal(6ul, await server.CountAsync(alias));
        Assert.Contains("12345", (await index.GetChunksAsync("guides/wages", CancellationToken.None))[0].Text, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Servers))]
    public async Task Transient_errors_are_retried_and_an_unreachable_server_is_a_clear_error(string name)
    {
        await using var server = await QdrantServer.StartAsync(name);
        var alias = server.NewAlias();
        using var faults = new FaultInjector();
        using var index = await server.OpenAsync(alias, transport: faults);
        await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);
        faults.Fail(null, 2, StatusCode.Unavailable);
        Assert.NotEmpty(await SearchAsync(index, "老板拖欠工资"));

        faults.Fail(null, 10, StatusCode.Unavailable);
        var down = await Assert.ThrowsAsync<QdrantException>(() => SearchAsync(index, "老板拖欠工资"));
        Assert.Equal(StatusCode.Unavailable, down.StatusCode);
        faults.Fail(null, 0);

        // Refusals that a retry cannot fix are not retried.
        faults.Fail(null, 1, StatusCode.InvalidArgument);
        await Assert.ThrowsAsync<QdrantException>(() => SearchAsync(index, "老板拖欠工资"));
        Assert.NotEmpty(await SearchAsync(index, "老板拖欠工资"));

        var unreachable = await Assert.ThrowsAsync<QdrantException>(() =>
            QdrantIndex.OpenAsync(new QdrantSettings(new Uri("http://127.0.0.1:1"), "kb", MaxRetries: 1), SparseEncoder.Default, null));
        Assert.StartsWith("Qdrant at http://127.0.0.1:1/ is unreachable", unreachable.Message, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Servers))]
    public async Task A_collection_that_does_not_match_the_configuration_is_refused(string name)
    {
        await using var server = await QdrantServer.StartAsync(name);
        var alias = server.NewAlias();
        using (var index = await server.OpenAsync(alias)) await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);

        // Embeddings switched on after the collection was built sparse-only.
        var embedder = new ChunkEmbedder(new ConceptEmbeddings(), EmbeddingCache.InMemory("concepts"), 8);
        var dense = await Assert.ThrowsAsync<QdrantException>(() => server.OpenAsync(alias, embedder));
        Assert.Contains("does not match", dense.Message, StringComparison.Ordinal);
        Assert.Contains("--rebuild", dense.Message, StringComparison.Ordinal);

        // Other BM25 parameters weigh terms differently: scores would be silently wrong.
        var other = new SparseEncoder(Tokenizer.Default, Bm25Parameters.Default with { K1 = 2 });
        var encoder = await Assert.ThrowsAsync<QdrantException>(() => server.OpenAsync(alias, encoder: other));
        Assert.Contains("other tokenizer/BM25 settings", encoder.Message, StringComparison.Ordinal);

        // Opening for a rebuild only checks that Qdrant answers.
        using (await QdrantIndex.OpenAsync(server.Settings(alias), other, null, forRebuild: true)) { }

        await server.ClearLegalBotMetadataAsync(alias);
        var foreign = await Assert.ThrowsAsync<QdrantException>(() => server.OpenAsync(alias));
        Assert.Contains("no LegalBot metadata", foreign.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_key_is_sent_and_a_wrong_or_missing_one_is_reported()
    {
        await using var server = await QdrantServer.StartAsync(QdrantServer.Fake, fakeApiKey: "s3cret");
        using (var index = await server.OpenAsync("kb")) await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);

        var wrong = await Assert.ThrowsAsync<QdrantException>(() =>
            QdrantIndex.OpenAsync(new QdrantSettings(server.Url, "kb", "guess"), SparseEncoder.Default, null));
        Assert.Equal(StatusCode.PermissionDenied, wrong.StatusCode);
        Assert.Contains("Invalid API key", wrong.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<QdrantException>(() =>
            QdrantIndex.OpenAsync(new QdrantSettings(server.Url, "kb"), SparseEncoder.Default, null));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
    }

    [Theory]
    [InlineData("http://qdrant:6333", "Qdrant__Url http://qdrant:6333 is Qdrant's REST port; LegalBot speaks gRPC: set http://qdrant:6334")]
    [InlineData("https://q.example.org:6333/", "Qdrant__Url https://q.example.org:6333 is Qdrant's REST port; LegalBot speaks gRPC: set https://q.example.org:6334")]
    [InlineData("ftp://qdrant:6334", "Qdrant__Url ftp://qdrant:6334/ must be an http:// or https:// URL of Qdrant's gRPC port (6334)")]
    public async Task A_REST_or_non_http_url_is_one_clear_line_saying_what_to_set(string url, string expected)
    {
        var settings = new QdrantSettings(new Uri(url));
        Assert.Equal([expected], settings.Problems());
        Assert.Equal([expected], new KnowledgeBackendSettings(KnowledgeBackendSettings.QdrantBackend, Qdrant: settings).Problems());
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => QdrantIndex.OpenAsync(settings, SparseEncoder.Default, null));
        Assert.StartsWith(expected, refused.Message, StringComparison.Ordinal);
        Assert.Empty(new QdrantSettings(new Uri("http://qdrant:6334")).Problems());
    }

    [Theory, MemberData(nameof(Servers))]
    public async Task When_field_lengths_drift_the_update_becomes_a_rebuild(string name)
    {
        await using var server = await QdrantServer.StartAsync(name);
        var alias = server.NewAlias();
        using var index = await server.OpenAsync(alias);
        await index.ApplyAsync(new IndexBatch([Docs.Divorce()], []), CancellationToken.None);
        var before = await server.AliasTargetAsync(alias);
        await Task.Delay(5);

        // A small edit keeps the frozen averages; a much longer document moves them past the limit.
        await index.ApplyAsync(new IndexBatch([Docs.Wages()], []), CancellationToken.None);
        var afterSmall = await server.AliasTargetAsync(alias);
        Assert.NotNull(before);
        await Task.Delay(5);
        await index.ApplyAsync(new IndexBatch([Docs.Wages(string.Concat(Enumerable.Repeat("劳动者可以依法维护自己的合法权益。", 40)))], []), CancellationToken.None);
        var afterLarge = await server.AliasTargetAsync(alias);

        Assert.NotEqual(afterSmall, afterLarge);
        Assert.Equal([afterLarge!], await server.CollectionsOfAsync(alias));
        Assert.Equal(2, (await index.GetDocumentsAsync(CancellationToken.None)).Count);
    }
}
