using LegalBot.Cli;

namespace LegalBot.Knowledge.Tests;

public class BenchScaleTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await LegalBotCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Bench_scale_builds_retitled_copies_that_index_as_distinct_documents()
    {
        using var k = new TempKnowledge();
        k.Write("laws/示例法.md", Samples.Statute);
        k.Write("guides/wages.md", "---\ntitle: 讨薪指南\nkind: guide\n---\n\n## 老板拖欠工资\n\n可以申请劳动仲裁。\n");
        var kept = Path.Combine(k.Root, "scaled");

        var (code, output, error) = await RunAsync("bench", "--knowledge", k.Folder, "--scale", "3", "--rounds", "1", "--keep", kept);

        Assert.True(code == LegalBotCli.Ok, error);
        Assert.Contains("= 6 files", output, StringComparison.Ordinal);
        Assert.Equal(3, Directory.GetDirectories(kept).Length);
        Assert.Contains("# 中华人民共和国示例法（第3卷）", File.ReadAllText(Path.Combine(kept, "copy-3", "laws", "示例法.md")), StringComparison.Ordinal);
        Assert.Contains("title: 讨薪指南（第2卷）", File.ReadAllText(Path.Combine(kept, "copy-2", "guides", "wages.md")), StringComparison.Ordinal);
        Assert.Equal(Samples.Statute, File.ReadAllText(Path.Combine(kept, "copy-1", "laws", "示例法.md")));
        using var kb = await KnowledgeBase.OpenAsync(kept, null, cancellationToken: CancellationToken.None);
        var report = await kb.RefreshAsync(CancellationToken.None);
        Assert.Equal(6, report.Changes.Documents);
        Assert.DoesNotContain(report.Diagnostics, d => !d.IsWarning);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public async Task Bench_refuses_a_bad_scale_with_one_clear_line(string scale)
    {
        using var k = new TempKnowledge();
        var (code, output, error) = await RunAsync("bench", "--knowledge", k.Folder, "--scale", scale);
        Assert.Equal(LegalBotCli.UsageError, code);
        Assert.Contains($"--scale must be a whole number from 1 to 1000, not '{scale}'", output + error, StringComparison.Ordinal);
    }
}
