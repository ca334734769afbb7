using System.Text.Json;
using LegalBot.Cli;
using LegalBot.Knowledge.Tests;

namespace LegalBot.Conversation.Tests;

/// <summary>Routing and answer-citation gates through the real <c>legalbot eval</c> over ../shared.</summary>
public class ConversationQualityTests
{
    private static Task<JsonElement> EvalAsync(string questions) =>
        EvalAsync(["--knowledge", TestPaths.CorpusLaws, "--synonyms", TestPaths.Synonyms, "--questions", questions]);

    private static async Task<JsonElement> EvalAsync(string[] arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await LegalBotCli.RunAsync(["eval", .. arguments, "--json"], stdout, stderr, CancellationToken.None);
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

    /// <summary>
    /// Our two citizen-story sets (tests/data; questions in citizens' words with the articles a lawyer would cite) over the
    /// folder as a county deploys it: knowledge/ with the statutes in a subfolder. Floors a little under what is met now
    /// (README "Conversation quality"), so that a regression fails.
    /// </summary>
    [Theory]
    [InlineData("citizen-dev.jsonl", 0.85, 0.14, 0.92)]
    [InlineData("citizen-3.jsonl", 0.85, 0.13, 0.82)]
    public async Task Citizens_stories_are_answered_from_the_county_folder(string file, double cites, double wrong, double route)
    {
        using var folder = new TempKnowledge();
        CopyTree(Path.Combine(TestPaths.RepoRoot, "knowledge"), folder.Folder);
        CopyTree(TestPaths.CorpusLaws, Path.Combine(folder.Folder, "laws"));
        var m = await EvalAsync(["--knowledge", folder.Folder, "--questions", Path.Combine(TestPaths.RepoRoot, "tests", "data", file)]);
        Assert.True(m.GetProperty("answer_cites_gold").GetDouble() >= cites, m.ToString());
        Assert.True(m.GetProperty("answer_wrong").GetDouble() <= wrong, m.ToString());
        Assert.True(m.GetProperty("route_accuracy").GetDouble() >= route, m.ToString());
    }

    internal static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
