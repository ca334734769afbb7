using LegalBot.Cli;

namespace LegalBot.Knowledge.Tests.Import;

public class ImportCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await LegalBotCli.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Import_writes_checked_files_and_a_dry_run_only_prints_them()
    {
        using var k = new TempKnowledge();
        k.Write("guides/ok.md", Samples.Guide);
        var xlsx = Path.Combine(k.Root, "指南.xlsx");
        File.WriteAllBytes(xlsx, OfficeSamples.Xlsx(("Sheet1", [["部门", "事项名称", "所需材料"], ["县司法局", "申请法律援助", "身份证"]])));

        var (dryCode, dryOut, _) = await RunAsync("import", xlsx, "--knowledge", k.Folder, "--dry-run");
        Assert.Equal(LegalBotCli.Ok, dryCode);
        Assert.Contains("would write handbooks/县司法局办事指南.md (handbook: 县司法局办事指南)", dryOut, StringComparison.Ordinal);
        Assert.Contains("## 申请法律援助", dryOut, StringComparison.Ordinal);
        Assert.Contains("指南.xlsx#Sheet1:1: warning: 缺少“办理条件”列", dryOut, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(k.Folder, "handbooks", "县司法局办事指南.md")));

        var (code, output, _) = await RunAsync("import", xlsx, "--knowledge", k.Folder);
        Assert.Equal(LegalBotCli.Ok, code);
        Assert.Contains("wrote handbooks/县司法局办事指南.md", output, StringComparison.Ordinal);
        Assert.Contains("**所需材料**：身份证", File.ReadAllText(Path.Combine(k.Folder, "handbooks", "县司法局办事指南.md")), StringComparison.Ordinal);
        var (checkCode, checkOut, _) = await RunAsync("check", k.Folder);
        Assert.True(checkCode == LegalBotCli.Ok, checkOut);

        // Once written, the same import does not overwrite silently.
        var (again, againOut, _) = await RunAsync("import", xlsx, "--knowledge", k.Folder);
        Assert.Equal(LegalBotCli.ProblemsFound, again);
        Assert.Contains("handbooks/县司法局办事指南.md:1: 知识库里已有", againOut, StringComparison.Ordinal);
        Assert.Equal(LegalBotCli.Ok, (await RunAsync("import", xlsx, "--knowledge", k.Folder, "--overwrite")).Code);
    }

    [Fact]
    public async Task Problems_print_as_path_line_message_and_fail_without_writing()
    {
        using var k = new TempKnowledge();
        var md = Path.Combine(k.Root, "bad.md");
        File.WriteAllText(md, "---\ntitle: 指南\nregion: 示例县\nkind: 指南\n---\n\n## 正文\n\n文字。\n");

        var (code, output, _) = await RunAsync("import", md, "--knowledge", k.Folder);

        Assert.Equal(LegalBotCli.ProblemsFound, code);
        Assert.Contains("guides/bad.md:4: unknown kind '指南'", output, StringComparison.Ordinal);
        Assert.Contains("bad.md: not imported", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(k.Folder, "*", SearchOption.AllDirectories));
        Assert.Equal(LegalBotCli.UsageError, (await RunAsync("import", "--knowledge", k.Folder)).Code);
    }
}
