using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Import;

namespace LegalBot.Knowledge.Tests.Import;

public class ImporterTests
{
    private static Task<ImportResult> ImportAsync(string name, byte[] bytes, IReadOnlyList<DocumentInfo>? existing = null) =>
        DocumentImporter.ImportAsync(name, new MemoryStream(bytes), existing ?? [], CancellationToken.None);

    /// <summary>The imported Markdown parsed back the way the folder will parse it.</summary>
    private static KnowledgeDocument Parse(ImportedFile file)
    {
        var result = MarkdownDocumentParser.Parse(file.RelativePath, System.Text.Encoding.UTF8.GetBytes(file.Markdown));
        Assert.Empty(result.Diagnostics);
        return result.Document!;
    }

    private static readonly string[] Statute =
    [
        "#0 示例县养犬管理条例",
        "2023年3月1日示例县人民代表大会常务委员会第五次会议通过",
        "2024年6月30日修正",
        "第一章　总则",
        "第一条\u3000为了规范养犬行为，保障公民人身安全，制定本条例。",
        "第二条\u3000本县行政区域内的养犬管理，适用本条例。",
        "第二章　犬只登记",
        "第三条\u3000养犬人应当自取得犬只之日起三十日内办理登记。",
        "办理登记应当提交犬只免疫证明。",
        "第四条",
        "犬只伤人的，养犬人应当立即将被伤害人送医，并承担医疗费用。",
    ];

    [Fact]
    public async Task A_Word_statute_becomes_the_statute_format_with_one_article_per_paragraph()
    {
        var result = await ImportAsync("养犬条例.docx", OfficeSamples.Docx(Statute));

        Assert.True(result.CanSave, string.Join("\n", result.Problems));
        var file = Assert.Single(result.Files);
        Assert.Equal("regulations/示例县养犬管理条例.md", file.RelativePath);
        Assert.StartsWith("---\ntitle: \"示例县养犬管理条例\"\nkind: regulation\neffective: 2024-06-30\nsource: \"导入自 养犬条例.docx\"\n---\n\n# 示例县养犬管理条例\n", file.Markdown, StringComparison.Ordinal);
        Assert.Contains("2024年6月30日修正\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了规范养犬行为", file.Markdown, StringComparison.Ordinal);
        Assert.Contains("第三条 养犬人应当自取得犬只之日起三十日内办理登记。\n\n办理登记应当提交犬只免疫证明。\n\n第四条 犬只伤人的", file.Markdown, StringComparison.Ordinal);

        var doc = Parse(file);
        Assert.Equal(DocumentKind.Regulation, doc.Info.Kind);
        Assert.Equal(["第一条", "第二条", "第三条", "第四条"], doc.Chunks.Select(c => c.ArticleLabel));
        Assert.Equal(["第二章 犬只登记"], doc.Chunks[2].HeadingPath);
        Assert.Contains("犬只免疫证明", doc.Chunks[2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Chinese_PDF_statute_is_read_from_its_text_layer_with_wrapped_lines_joined()
    {
        var pdf = OfficeSamples.Pdf(20,
            "!中华人民共和国示例法",
            "第一章 总则",
            "第一条 为了保护当事人的合法权益，维护社会秩序，根据宪法，制定本法。",
            "第二条 本法适用于中华人民共和国境内的示例活动。",
            "前款规定的示例活动，由国务院有关部门另行规定。",
            "第三条 示例活动应当遵循平等、自愿、公平和诚信的原则。");

        var result = await ImportAsync("示例法.pdf", pdf);

        Assert.True(result.CanSave, string.Join("\n", result.Problems));
        var file = Assert.Single(result.Files);
        Assert.Contains("第一条 为了保护当事人的合法权益，维护社会秩序，根据宪法，制定本法。\n\n第二条 本法适用于", file.Markdown, StringComparison.Ordinal);
        Assert.Contains("示例活动。\n\n前款规定的示例活动，由国务院有关部门另行规定。\n\n第三条", file.Markdown, StringComparison.Ordinal);
        var doc = Parse(file);
        Assert.Equal("中华人民共和国示例法", doc.Info.Title);
        Assert.Equal(["第一条", "第二条", "第三条"], doc.Chunks.Select(c => c.ArticleLabel));
        Assert.Equal(["第一章 总则"], doc.Chunks[0].HeadingPath);
    }

    [Fact]
    public async Task Other_Word_documents_become_a_guide_with_sections_from_headings_and_numbered_lines()
    {
        var docx = OfficeSamples.Docx("#0 申请公证办事须知", "#1 办理地点", "县公证处，城关镇建设路 8 号。",
            "一、所需材料", "身份证、户口簿。", "（一）委托公证", "委托人须本人到场。");

        var result = await ImportAsync("公证须知.docx", docx);

        Assert.True(result.CanSave, string.Join("\n", result.Problems));
        var file = Assert.Single(result.Files);
        Assert.Equal("guides/申请公证办事须知.md", file.RelativePath);
        var doc = Parse(file);
        Assert.Equal(DocumentKind.Guide, doc.Info.Kind);
        Assert.Equal(["办理地点", "一、所需材料", "一、所需材料 > （一）委托公证"], doc.Chunks.Select(c => string.Join(" > ", c.HeadingPath.Skip(c.HeadingPath.Count > 0 && c.HeadingPath[0] == "申请公证办事须知" ? 1 : 0))));
    }

    [Fact]
    public async Task An_Excel_guide_becomes_one_handbook_per_department_with_a_section_per_item_and_column_synonyms()
    {
        var xlsx = OfficeSamples.Xlsx(("Sheet1", [
            ["序号", "实施主体", "事项名称", "申请条件", "申请材料", "办理地址", "承诺时限", "联系电话", "备注"],
            ["1", "县民政局", "结婚登记", "男女双方自愿，达到法定婚龄", "1. 户口簿\n2. 身份证", "县婚姻登记处", "即时办结", "0000-1111111", "免费"],
            ["2", "县民政局", "离婚登记", "双方自愿离婚", "结婚证", "县婚姻登记处", "30 日冷静期后办理", "0000-1111111", ""],
            ["3", "县人社局", "失业登记", "", "身份证", "县政务服务中心 5 号窗口", "当日", "12333", ""],
            ["4", "县人社局", "", "", "", "", "", "", ""],
        ]));

        var result = await ImportAsync("办事指南.xlsx", xlsx);

        Assert.True(result.CanSave, string.Join("\n", result.Problems));
        Assert.Equal(["handbooks/县民政局办事指南.md", "handbooks/县人社局办事指南.md"], result.Files.Select(f => f.RelativePath));
        Assert.Contains(result.Problems, p => p.IsWarning && p.Path == "办事指南.xlsx#Sheet1" && p.Line == 1 && p.Message.Contains("“备注”", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.IsWarning && p.Line == 5 && p.Message.Contains("没有事项名称", StringComparison.Ordinal));

        var civil = result.Files[0];
        Assert.Contains("department: \"县民政局\"", civil.Markdown, StringComparison.Ordinal);
        Assert.Contains("## 结婚登记\n\n**办理条件**：男女双方自愿，达到法定婚龄\n\n**所需材料**：\n\n- 1. 户口簿\n- 2. 身份证\n\n**办理地点**：县婚姻登记处\n\n**办理时限**：即时办结\n\n**咨询电话**：0000-1111111\n\n**备注**：免费", civil.Markdown, StringComparison.Ordinal);
        var doc = Parse(civil);
        Assert.Equal(DocumentKind.Handbook, doc.Info.Kind);
        Assert.Equal("县民政局", doc.Info.Department);
        Assert.Equal(2, doc.Chunks.Count);
        Assert.Equal("结婚登记", doc.Chunks[0].HeadingPath[^1]);
    }

    [Fact]
    public async Task An_Excel_sheet_without_an_item_column_or_with_missing_columns_is_reported_clearly()
    {
        var noName = await ImportAsync("坏表.xlsx", OfficeSamples.Xlsx(("Sheet1", [["部门", "电话"], ["县司法局", "12348"]])));
        Assert.False(noName.CanSave);
        Assert.Contains(noName.Problems, p => !p.IsWarning && p.Message.Contains("事项名称", StringComparison.Ordinal));

        var missing = await ImportAsync("少列.xlsx", OfficeSamples.Xlsx(("县司法局", [["事项", "材料"], ["法律援助", "身份证"]])));
        Assert.True(missing.CanSave);
        Assert.Equal("handbooks/县司法局办事指南.md", Assert.Single(missing.Files).RelativePath);
        foreach (var column in new[] { "办理条件", "办理地点", "办理时限", "咨询电话" })
            Assert.Contains(missing.Problems, p => p.IsWarning && p.Message.Contains($"缺少“{column}”列", StringComparison.Ordinal));
        Assert.DoesNotContain(missing.Problems, p => p.Message.Contains("缺少“部门”列", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_result_is_checked_with_the_folder_rules_before_saving()
    {
        var bad = await ImportAsync("坏的.md", "---\ntitle: 指南\nkind: guide\nregion: 示例县\nkind2: [\n---\n\n## 正文\n\n文字。\n"u8.ToArray());
        Assert.False(bad.CanSave);
        Assert.Contains(bad.Problems, p => p.Path == "guides/坏的.md" && p.Message.Contains("bad YAML", StringComparison.Ordinal));

        var unknownKind = await ImportAsync("指南.md", "---\ntitle: 指南\nkind: 指南\n---\n\n## 正文\n\n文字。\n"u8.ToArray());
        Assert.Contains(unknownKind.Problems, p => p.Line == 3 && p.Message.Contains("unknown kind '指南'", StringComparison.Ordinal));

        var existing = new DocumentInfo("guides/公证", "guides/公证.md", "", "公证", null, DocumentKind.Guide, null, null, null, null, [], null);
        var clash = await ImportAsync("x.md", "---\ntitle: 重复\nkind: guide\nid: guides/公证\n---\n\n## 正文\n\n文字。\n"u8.ToArray(), [existing]);
        Assert.Contains(clash.Problems, p => p.Message.Contains("guides/公证.md", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unsupported_damaged_and_empty_files_are_clear_problems()
    {
        Assert.Contains("不支持的文件类型", Assert.Single((await ImportAsync("a.doc", [1, 2, 3])).Problems).Message, StringComparison.Ordinal);
        Assert.Contains("无法读取Word文件", Assert.Single((await ImportAsync("a.docx", "not a zip"u8.ToArray())).Problems).Message, StringComparison.Ordinal);
        Assert.Contains("无法读取PDF文件", Assert.Single((await ImportAsync("a.pdf", "%PDF-1.4 garbage"u8.ToArray())).Problems).Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", Assert.Single((await ImportAsync("a.md", [0xC0, 0xEB, 0xBB, 0xE9])).Problems).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("guides/a.md", true)]
    [InlineData("handbooks/县民政局办事指南.md", true)]
    [InlineData("../a.md", false)]
    [InlineData("guides/../../a.md", false)]
    [InlineData("/etc/a.md", false)]
    [InlineData("guides\\a.md", false)]
    [InlineData("guides/a.txt", false)]
    [InlineData(".git/a.md", false)]
    [InlineData("site.md", false)]
    [InlineData("guides//a.md", false)]
    public void Save_paths_are_confined_to_the_knowledge_folder(string path, bool allowed)
    {
        Assert.Equal(allowed, KnowledgePaths.IsAllowed(path));
        Assert.Equal(allowed, KnowledgePaths.Resolve("/tmp/knowledge", path) is not null);
    }
}
