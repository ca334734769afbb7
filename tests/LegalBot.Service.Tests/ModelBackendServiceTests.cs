using LegalBot.QdrantFake;
using LegalBot.Tests.Fakes;

namespace LegalBot.Service.Tests;

/// <summary>
/// The production wiring end to end, on the real service process: Index__Backend=qdrant (over the local
/// Qdrant fake), Embeddings__* and Llm__* (over the local OpenAI-compatible fake), a question through Direct Line.
/// </summary>
public sealed class ModelBackendServiceTests
{
    private static Dictionary<string, string> Environment(FakeQdrant qdrant, FakeOpenAi models) => new()
    {
        ["Index__Backend"] = "qdrant",
        ["Qdrant__Url"] = qdrant.Url.ToString(),
        ["Qdrant__Collection"] = "county",
        ["Embeddings__Endpoint"] = models.Endpoint.ToString(),
        ["Embeddings__Model"] = "bge-m3",
        ["Embeddings__Dimensions"] = "64",
        ["Llm__Endpoint"] = models.Endpoint.ToString(),
        ["Llm__Model"] = "qwen",
    };

    [Fact]
    public async Task Qdrant_embeddings_and_written_answers_serve_a_question_and_a_fabrication_falls_back()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        await using var qdrant = await FakeQdrant.StartAsync();
        await using var models = await FakeOpenAi.StartAsync();
        models.ChatReply = "经济困难请不起律师的，可以向法律援助机构申请法律援助[1]。";
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, Environment(qdrant, models));

        Assert.NotNull(qdrant.AliasTarget("county"));
        Assert.True(qdrant.PointCount("county") > 10);
        Assert.Contains(models.Requests, r => r.Path == "embeddings");

        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        var written = (await dl.AskAsync("没钱请律师怎么办"))[0].GetProperty("text").GetString()!;
        Assert.Contains("可以向法律援助机构申请法律援助（《", written, StringComparison.Ordinal);
        Assert.Contains("出处", written, StringComparison.Ordinal);
        Assert.Contains(models.Requests, r => r.Path == "chat");
        Assert.Contains("Points/Query county", qdrant.Requests);

        models.ChatReply = "根据《中华人民共和国刑法》第二百条[3]，可以申请。";
        var fallback = (await dl.AskAsync("没钱请律师怎么办"))[0].GetProperty("text").GetString()!;
        Assert.DoesNotContain("刑法", fallback, StringComparison.Ordinal);
        Assert.Contains("出处", fallback, StringComparison.Ordinal);
        Assert.Contains("written answer not used", service.Output, StringComparison.Ordinal);
        Assert.Empty(qdrant.Violations);
    }

    [Fact]
    public async Task Turning_embeddings_on_needs_a_rebuild_which_RebuildOnStart_does_by_switching_the_alias()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        await using var qdrant = await FakeQdrant.StartAsync();
        await using var models = await FakeOpenAi.StartAsync();
        var env = new Dictionary<string, string> { ["Index__Backend"] = "qdrant", ["Qdrant__Url"] = qdrant.Url.ToString() };
        await using (await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, env)) { }
        var sparseOnly = qdrant.AliasTarget("legalbot");

        env["Embeddings__Endpoint"] = models.Endpoint.ToString();
        env["Embeddings__Model"] = "bge-m3";
        env["Embeddings__Dimensions"] = "32";
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, env));
        Assert.Contains("does not match", refused.Message, StringComparison.Ordinal);

        env["Index__RebuildOnStart"] = "true";
        await using var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, env);
        Assert.NotEqual(sparseOnly, qdrant.AliasTarget("legalbot"));
        Assert.Single(qdrant.CollectionNames);
        var dl = new DirectLineClient(service.Http);
        await dl.StartAsync();
        Assert.Contains("出处", (await dl.AskAsync("没钱请律师怎么办"))[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_replica_serves_the_shared_index_without_writing_to_it()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        await using var qdrant = await FakeQdrant.StartAsync();
        var env = new Dictionary<string, string> { ["Index__Backend"] = "qdrant", ["Qdrant__Url"] = qdrant.Url.ToString() };
        await using (await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, env)) { }
        static bool IsWrite(string r) => r.Split(' ')[0] is not ("Collections/Get" or "Collections/List" or "Collections/ListAliases"
            or "Collections/CollectionExists" or "Points/Scroll" or "Points/Query" or "Points/Count");
        var writes = qdrant.Requests.Count(IsWrite);
        Assert.True(writes > 3);

        // The replica's own folder has an edit the indexer has not seen: it must not index it.
        File.AppendAllText(Directory.EnumerateFiles(workspace.Knowledge, "*.md", SearchOption.AllDirectories).First(), "\n\n## 新增一节\n\n只在副本的文件夹里。\n");
        env["Index__Writer"] = "false";
        await using var replica = await ServiceProcess.StartAsync(workspace.Knowledge, Path.Combine(workspace.Root, "replica-data"), env);
        var dl = new DirectLineClient(replica.Http);
        await dl.StartAsync();
        Assert.Contains("出处", (await dl.AskAsync("没钱请律师怎么办"))[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(writes, qdrant.Requests.Count(IsWrite));
    }

    [Fact]
    public async Task An_unreachable_Qdrant_stops_the_service_with_one_clear_line()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data,
            new Dictionary<string, string> { ["Index__Backend"] = "qdrant", ["Qdrant__Url"] = "http://127.0.0.1:1", ["Qdrant__MaxRetries"] = "0" }));
        Assert.Contains("knowledge index unavailable", error.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Qdrant_REST_url_stops_the_service_with_one_line_saying_what_to_set()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data,
            new Dictionary<string, string> { ["Index__Backend"] = "qdrant", ["Qdrant__Url"] = "http://qdrant:6333" }));
        Assert.Contains("Qdrant__Url http://qdrant:6333 is Qdrant's REST port; LegalBot speaks gRPC: set http://qdrant:6334", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reranker_orders_what_the_answer_cites_and_bad_settings_refuse_to_start()
    {
        using var workspace = new ServiceWorkspace(withMatters: false);
        await using var models = await FakeOpenAi.StartAsync();
        // The "model" judges the arbitration time limit the best answer; lexically it ranks 7th.
        models.RerankScore = (q, p) => p.Contains("申请期限", StringComparison.Ordinal) ? 0.97 : 0.05;
        var env = new Dictionary<string, string>
        {
            ["Rerank__Endpoint"] = models.Endpoint.ToString(),
            ["Rerank__Model"] = "bge-reranker-v2-m3",
            ["Rerank__Depth"] = "20",
        };
        await using (var service = await ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, env))
        {
            var dl = new DirectLineClient(service.Http);
            await dl.StartAsync();
            var answer = (await dl.AskAsync("老板拖欠工资怎么办"))[0].GetProperty("text").GetString()!;
            Assert.Contains("申请期限", answer, StringComparison.Ordinal);
            var request = models.Requests.Last(r => r.Path == "rerank").Body;
            Assert.Equal("老板拖欠工资怎么办", request["query"]!.GetValue<string>());
            Assert.Equal(20, request["documents"]!.AsArray().Count);
            Assert.Contains("reranker: bge-reranker-v2-m3", service.Output, StringComparison.Ordinal);
        }

        env["Rerank__Depth"] = "0";
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ServiceProcess.StartAsync(workspace.Knowledge, workspace.Data, env));
        Assert.Contains("Rerank:Depth must be between 1 and 100", refused.Message, StringComparison.Ordinal);
    }
}
