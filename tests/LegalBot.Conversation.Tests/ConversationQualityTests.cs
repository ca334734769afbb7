using System.Text.Json;
using LegalBot.Cli;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>Routing and answer-citation gates through the real <c>legalbot eval</c> over ../shared.</summary>
public class ConversationQualityTests
{
    private static async Task<JsonElement> EvalAsync(string questions)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await LegalBotCli.RunAsync(["eval", "--knowledge", TestPaths.CorpusLaws, "--synonyms", TestPaths.Synonyms, "--questions", questions, "--json"],
            stdout, stderr, CancellationToken.None);
        Assert.True(code == 0, stderr.ToString());
        return JsonDocument.Parse(stdout.ToString().TrimEnd().Split('\n')[^1]).RootElement;
    }

    [Fact]
    public async Task Services_questions_are_routed_and_answered_with_a_gold_citation()
    {
        var m = await EvalAsync(TestPaths.Eval("services-dev.jsonl"));
        Assert.True(m.GetProperty("route_accuracy").GetDouble() >= 0.90, m.ToString());
        Assert.True(m.GetProperty("answer_cites_gold").GetDouble() >= 0.90, m.ToString());
    }

    [Fact]
    public async Task Out_of_scope_questions_are_declined()
    {
        var m = await EvalAsync(Path.Combine(TestPaths.RepoRoot, "tests", "data", "out-of-scope.jsonl"));
        Assert.True(m.GetProperty("route_accuracy").GetDouble() >= 0.90, m.ToString());
    }
}
