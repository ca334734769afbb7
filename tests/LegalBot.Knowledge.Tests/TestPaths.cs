namespace LegalBot.Knowledge.Tests;

/// <summary>Locates the repository root and the shared material beside it (../shared, present in CI).</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string CorpusLaws => RequireShared(Path.Combine("corpus", "laws"));

    public static string Eval(string file) => RequireShared(Path.Combine("eval", file));

    public static string Synonyms => Path.Combine(RepoRoot, "knowledge", "synonyms.txt");

    private static string RequireShared(string relative)
    {
        var path = Path.Combine(Shared, relative);
        if (!Path.Exists(path)) throw new InvalidOperationException($"test data missing: {path} (../shared must sit beside the repository)");
        return path;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LegalBot.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("LegalBot.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A throwaway knowledge folder (and data folder) under the temp directory.</summary>
internal sealed class TempKnowledge : IDisposable
{
    public TempKnowledge()
    {
        Root = Path.Combine(Path.GetTempPath(), "legalbot-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Root { get; }
    public string Folder => Path.Combine(Root, "knowledge");
    public string Data => Path.Combine(Root, "data");

    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void WriteBytes(string relativePath, byte[] content)
    {
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    public void Delete(string relativePath) => File.Delete(Path.Combine(Folder, relativePath));

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}

internal static class Samples
{
    /// <summary>A statute in the corpus format: no front matter, history, INFO END, chapters, 之一, items.</summary>
    public const string Statute = """
        # 中华人民共和国示例法

        2021年8月20日 第十三届全国人民代表大会常务委员会通过

        第一条 这一行是历史记录，不是条文。

        <!-- INFO END -->

        ## 第一章 总  则

        第一条 为了规范示例工作，制定本法。

        第二条 本法所称法律援助，是国家无偿提供法律服务的制度。

        ## 第二章 申请

        ### 第一节 一般规定

        第三条 下列事项的当事人，因经济困难没有委托代理人的，可以申请法律援助：

        （一）请求支付劳动报酬；

        （二）请求给付赡养费。

        申请人应当如实说明经济状况。

        第三条之一 申请人可以口头申请。

        第四条 法律援助机构应当自收到申请之日起七日内作出决定。
        """;

    public const string Guide = """
        ---
        title: 申请法律援助办事指南（示例县）
        kind: guide
        region: 示例县
        department: 示例县司法局
        effective: 2024-01-01
        source: https://example.gov.cn/guide/legal-aid
        tags: [法律援助, 办事指南]
        id: guide-legal-aid
        ---

        # 申请法律援助办事指南

        本指南说明如何申请法律援助。

        ## 申请条件

        经济困难、没有委托律师的公民。

        ## 需要带的材料

        - 身份证
        - 经济困难状况说明表

        ### 特殊情况

        农民工讨薪不需要提交经济困难证明。
        """;
}

/// <summary>A temporary copy of the repository's knowledge folder, optionally without the matters (for tests of guide behaviour).</summary>
internal sealed class KnowledgeCopy : IDisposable
{
    public KnowledgeCopy(bool withMatters)
    {
        Folder = Path.Combine(Path.GetTempPath(), "legalbot-knowledge-" + Guid.NewGuid().ToString("N"));
        var source = Path.Combine(TestPaths.RepoRoot, "knowledge");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (!withMatters && relative.StartsWith("matters", StringComparison.Ordinal)) continue;
            var target = Path.Combine(Folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Folder { get; }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}
