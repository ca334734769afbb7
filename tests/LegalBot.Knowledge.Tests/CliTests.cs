using System.Text.Json;
using LegalBot.Cli;

namespace LegalBot.Knowledge.Tests;

public class CliTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await LegalBotCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Check_lists_every_problem_as_path_line_message_and_fails()
    {
        using var k = new TempKnowledge();
        k.Write("guides/ok.md", Samples.Guide);
        k.Write("guides/bad-kind.md", "---\ntitle: 指南\nkind: manual\n---\n\n正文\n");
        k.Write("guides/bad-date.md", "---\ntitle: 指南\nkind: guide\neffective: 2024-13-45\n---\n\n正文\n");
        k.Write("laws/dup.md", "# 条例\n\n第一条 甲。\n\n第一条 乙。\n");
        k.Write("synonyms.txt", "打官司 诉讼\n");

        var (code, output, error) = await RunAsync("check", k.Folder);

        Assert.Equal(LegalBotCli.ProblemsFound, code);
        Assert.Contains("guides/bad-kind.md:3: unknown kind 'manual'", output, StringComparison.Ordinal);
        Assert.Contains("guides/bad-date.md:4: 'effective' is not a date: '2024-13-45'", output, StringComparison.Ordinal);
        Assert.Contains("laws/dup.md:5: duplicate article label 第一条 (first at line 3)", output, StringComparison.Ordinal);
        Assert.Contains("synonyms.txt:1: expected", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_passes_on_the_repository_knowledge_folder()
    {
        var (code, output, _) = await RunAsync("check", Path.Combine(TestPaths.RepoRoot, "knowledge"));
        Assert.True(code == LegalBotCli.Ok, output);
    }

    [Fact]
    public async Task Index_then_ask_answers_from_the_folder()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        var (code, output, _) = await RunAsync("index", "--knowledge", k.Folder, "--data", k.Data);
        Assert.Equal(0, code);
        Assert.Contains("indexed 1 documents, 5 chunks", output, StringComparison.Ordinal);
        Assert.Contains("added 1, changed 0, removed 0", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("ask", "--knowledge", k.Folder, "--data", k.Data, "几天内作出决定?");
        Assert.Equal(0, code);
        Assert.StartsWith("1. 中华人民共和国示例法 第四条", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_prints_json_metrics_on_the_last_line()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        var questions = Path.Combine(k.Root, "q.jsonl");
        await File.WriteAllTextAsync(questions, """
            {"id":"a","question":"几天内作出决定","gold":[{"law":"中华人民共和国示例法","article":"第4条"}]}
            {"id":"b","question":"可以口头申请吗","gold":[{"law":"示例法","article":"第三条之一"}]}
            {"id":"c","question":"你好","gold":[],"route":["greeting"]}
            """);
        var (code, output, _) = await RunAsync("eval", "--knowledge", k.Folder, "--questions", questions, "--json");
        Assert.Equal(0, code);
        var json = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;
        Assert.Equal(2, json.GetProperty("n").GetInt32());
        Assert.Equal(1.0, json.GetProperty("hit5").GetDouble());
        foreach (var key in new[] { "hit1", "hit10", "mrr10", "recall5" }) Assert.True(json.TryGetProperty(key, out _), key);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("ask", "--knowledge")]
    [InlineData("eval", "--knowledge", "knowledge")]
    public async Task Usage_errors_are_explained(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);
        Assert.Equal(LegalBotCli.UsageError, code);
        Assert.StartsWith("legalbot: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_folder_is_a_clear_error()
    {
        var (code, _, error) = await RunAsync("check", "/nonexistent/knowledge");
        Assert.Equal(LegalBotCli.Failure, code);
        Assert.Equal("legalbot: knowledge folder not found: /nonexistent/knowledge", error.Trim());
    }

    [Fact]
    public async Task Malformed_question_file_names_the_line()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        var questions = Path.Combine(k.Root, "q.jsonl");
        await File.WriteAllTextAsync(questions, "{\"id\":\"a\",\"question\":\"x\",\"gold\":[]}\n{oops\n");
        var (code, _, error) = await RunAsync("eval", "--knowledge", k.Folder, "--questions", questions);
        Assert.Equal(LegalBotCli.Failure, code);
        Assert.StartsWith("legalbot: " + questions + ":2:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Index_ask_eval_and_rebuild_work_over_Qdrant_with_the_backend_flags()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        k.Write("guides/legal-aid.md", Samples.Guide);
        await using var fake = await LegalBot.QdrantFake.FakeQdrant.StartAsync();
        string[] backend = ["--backend", "qdrant", "--qdrant-url", fake.Url.ToString(), "--qdrant-collection", "county"];

        var (code, output, _) = await RunAsync(["index", "--knowledge", k.Folder, .. backend]);
        Assert.Equal(LegalBotCli.Ok, code);
        Assert.Contains("added 2", output, StringComparison.Ordinal);
        var first = fake.AliasTarget("county");

        var ask = await RunAsync(["ask", "--knowledge", k.Folder, .. backend, "经济困难可以申请法律援助吗"]);
        Assert.Equal(LegalBotCli.Ok, ask.Code);
        Assert.Contains("第三条", ask.Out, StringComparison.Ordinal);

        // eval over Qdrant gives the embedded index's figures.
        var questions = Path.Combine(k.Root, "q.jsonl");
        await File.WriteAllTextAsync(questions, """
            {"id":"a","question":"几天内作出决定","gold":[{"law":"中华人民共和国示例法","article":"第4条"}]}
            {"id":"b","question":"经济困难可以申请法律援助吗","gold":[{"law":"中华人民共和国示例法","article":"第三条"}]}
            """);
        var evalQdrant = await RunAsync(["eval", "--knowledge", k.Folder, "--questions", questions, "--json", .. backend]);
        var evalEmbedded = await RunAsync("eval", "--knowledge", k.Folder, "--questions", questions, "--json");
        Assert.Equal(LegalBotCli.Ok, evalQdrant.Code);
        Assert.Equal(evalEmbedded.Out.TrimEnd().Split('\n')[^1], evalQdrant.Out.TrimEnd().Split('\n')[^1]);
        Assert.Equal(2, JsonDocument.Parse(evalQdrant.Out.TrimEnd().Split('\n')[^1]).RootElement.GetProperty("n").GetInt32());

        await Task.Delay(5);
        var rebuilt = await RunAsync(["index", "--knowledge", k.Folder, "--rebuild", .. backend]);
        Assert.Equal(LegalBotCli.Ok, rebuilt.Code);
        Assert.NotEqual(first, fake.AliasTarget("county"));
        Assert.Single(fake.CollectionNames);
        Assert.Empty(fake.Violations);

        // Embeddings switched on: the sparse-only collection is refused until a rebuild, which then works.
        await using var models = await LegalBot.Tests.Fakes.FakeOpenAi.StartAsync();
        string[] embed = ["--embed-url", models.Endpoint.ToString(), "--embed-model", "bge-m3", "--embed-dims", "16"];
        var refused = await RunAsync(["ask", "--knowledge", k.Folder, .. backend, .. embed, "法律援助"]);
        Assert.Equal(LegalBotCli.Failure, refused.Code);
        Assert.Contains("--rebuild", refused.Err, StringComparison.Ordinal);
        Assert.Equal(LegalBotCli.Ok, (await RunAsync(["index", "--knowledge", k.Folder, "--rebuild", .. backend, .. embed])).Code);
        var hybrid = await RunAsync(["ask", "--knowledge", k.Folder, .. backend, .. embed, "经济困难可以申请法律援助吗"]);
        Assert.Equal(LegalBotCli.Ok, hybrid.Code);
        Assert.Contains("第三条", hybrid.Out, StringComparison.Ordinal);

        var down = await RunAsync("ask", "--knowledge", k.Folder, "--qdrant-url", "http://127.0.0.1:1", "问题");
        Assert.Equal(LegalBotCli.Failure, down.Code);
        Assert.StartsWith("legalbot: Qdrant at http://127.0.0.1:1/ is unreachable", down.Err, StringComparison.Ordinal);

        // The REST port of the REST client's days: one line saying what to set.
        var rest = await RunAsync("ask", "--knowledge", k.Folder, "--qdrant-url", "http://qdrant.local:6333", "问题");
        Assert.Equal(LegalBotCli.Failure, rest.Code);
        Assert.StartsWith("legalbot: Qdrant__Url http://qdrant.local:6333 is Qdrant's REST port; LegalBot speaks gRPC: set http://qdrant.local:6334", rest.Err, StringComparison.Ordinal);
        Assert.Single(rest.Err.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Ask_and_eval_rerank_with_the_flags_and_say_when_the_reranker_failed()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        await using var models = await LegalBot.Tests.Fakes.FakeOpenAi.StartAsync();
        models.RerankScore = (q, p) => p.Contains("第四条", StringComparison.Ordinal) ? 0.95 : 0.1;
        string[] rerank = ["--rerank-url", models.Endpoint.ToString(), "--rerank-model", "bge-reranker-v2-m3", "--rerank-depth", "10"];

        var plain = await RunAsync("ask", "--knowledge", k.Folder, "--top", "1", "经济困难可以申请法律援助吗");
        Assert.Contains("第三条", plain.Out, StringComparison.Ordinal);
        var reranked = await RunAsync(["ask", "--knowledge", k.Folder, "--top", "1", .. rerank, "经济困难可以申请法律援助吗"]);
        Assert.Equal(LegalBotCli.Ok, reranked.Code);
        Assert.Contains("第四条  [0.95]", reranked.Out, StringComparison.Ordinal);
        // --top 1, but every candidate up to the depth (all 5 articles here) goes to the model.
        Assert.Equal(5, models.Requests.Single(r => r.Path == "rerank").Body["documents"]!.AsArray().Count);
        Assert.Equal("", reranked.Err);

        // The endpoint fails: the figures are first-stage ones, and eval says so.
        var questions = k.Write("../q.jsonl", "{\"id\":\"a\",\"question\":\"经济困难可以申请法律援助吗\",\"gold\":[{\"law\":\"示例法\",\"article\":\"第三条\"}]}\n");
        models.Status = 503;
        var eval = await RunAsync(["eval", "--knowledge", k.Folder, "--questions", questions, "--depth", "3", .. rerank]);
        Assert.Equal(LegalBotCli.Ok, eval.Code);
        Assert.Contains("hit@1=1.000", eval.Out, StringComparison.Ordinal);
        Assert.Contains("hit@3=1.000", eval.Out, StringComparison.Ordinal);
        Assert.StartsWith("legalbot: reranking failed", eval.Err, StringComparison.Ordinal);
        Assert.Contains("answered 503", eval.Err, StringComparison.Ordinal);

        var usage = await RunAsync("ask", "--knowledge", k.Folder, "--rerank-url", models.Endpoint.ToString(), "问题");
        Assert.Equal(LegalBotCli.UsageError, usage.Code);
        Assert.Contains("--rerank-url needs --rerank-model", usage.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_key_refuses_an_unknown_office_and_appends_each_worker_at_the_next_free_index()
    {
        using var k = new TempKnowledge();
        k.Write("offices/aid.md", "---\nid: office-aid\nkind: office\ntitle: 示例县法律援助中心\nservices: [legal-aid]\njurisdiction:\n  county: 示例县\n  scope: county\naddress: 示例路1号\nphone: 0000-1234567\nhours: 周一至周五\n---\n\n# 示例县法律援助中心\n\n受理法律援助申请。\n");
        var env = Path.Combine(k.Root, "legalbot.env");
        File.WriteAllText(env, "Cases__Database=sqlite");

        var typo = await RunAsync("staff-key", "--knowledge", k.Folder, "--office", "office-aid-typo", "--env", env);
        Assert.Equal(LegalBotCli.UsageError, typo.Code);
        Assert.Contains("no office 'office-aid-typo'", typo.Err, StringComparison.Ordinal);
        Assert.Contains("office-aid  示例县法律援助中心", typo.Err, StringComparison.Ordinal);
        Assert.Equal("Cases__Database=sqlite", File.ReadAllText(env));

        var first = await RunAsync("staff-key", "--knowledge", k.Folder, "--office", "office-aid", "--worker", "张老师", "--env", env);
        var second = await RunAsync("staff-key", "--knowledge", k.Folder, "--office", "office-aid", "--worker", "李老师", "--env", env);
        Assert.Equal(LegalBotCli.Ok, first.Code);
        Assert.Equal(LegalBotCli.Ok, second.Code);
        Assert.Contains("示例县法律援助中心", first.Out, StringComparison.Ordinal);
        var lines = File.ReadAllLines(env);
        Assert.Equal("Cases__Database=sqlite", lines[0]);
        Assert.Contains("Staff__Keys__0__Worker=张老师", lines);
        Assert.Contains("Staff__Keys__1__Worker=李老师", lines);
        Assert.Equal(2, lines.Count(l => l.StartsWith("Staff__Keys__", StringComparison.Ordinal) && l.Contains("__KeyHash=", StringComparison.Ordinal)));

        var taken = await RunAsync("staff-key", "--knowledge", k.Folder, "--office", "*", "--index", "1", "--env", env);
        Assert.Equal(LegalBotCli.UsageError, taken.Code);
        Assert.Contains("next free index is 2", taken.Err, StringComparison.Ordinal);
    }
}
