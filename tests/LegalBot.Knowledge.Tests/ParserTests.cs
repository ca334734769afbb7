using System.Text;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Tests;

public class ParserTests
{
    private static ParseResult Parse(string text, string path = "laws/示例法.md") =>
        MarkdownDocumentParser.Parse(path, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Statute_without_front_matter_is_chunked_per_article()
    {
        var result = Parse(Samples.Statute);
        Assert.True(result.Ok, string.Join('\n', result.Diagnostics));
        var doc = result.Document!;
        Assert.Equal("中华人民共和国示例法", doc.Info.Title);
        Assert.Equal("示例法", doc.Info.ShortTitle);
        Assert.Equal(DocumentKind.Regulation, doc.Info.Kind);
        Assert.Equal("laws/示例法", doc.Info.Id);
        Assert.Equal(["第一条", "第二条", "第三条", "第三条之一", "第四条"], doc.Chunks.Select(c => c.ArticleLabel));
    }

    [Fact]
    public void History_before_info_end_is_skipped()
    {
        var doc = Parse(Samples.Statute).Document!;
        Assert.DoesNotContain(doc.Chunks, c => c.Text.Contains("历史记录", StringComparison.Ordinal));
        Assert.StartsWith("第一条 为了规范示例工作", doc.Chunks[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Article_keeps_all_paragraphs_and_items()
    {
        var article = Parse(Samples.Statute).Document!.Chunks.Single(c => c.ArticleLabel == "第三条");
        var lines = article.Text.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("第三条 下列事项", lines[0], StringComparison.Ordinal);
        Assert.Equal("（一）请求支付劳动报酬；", lines[1]);
        Assert.Equal("（二）请求给付赡养费。", lines[2]);
        Assert.Equal("申请人应当如实说明经济状况。", lines[3]);
    }

    [Fact]
    public void Articles_carry_chapter_and_section_path_and_line()
    {
        var doc = Parse(Samples.Statute).Document!;
        var third = doc.Chunks.Single(c => c.ArticleLabel == "第三条");
        Assert.Equal(["第二章 申请", "第一节 一般规定"], third.HeadingPath);
        Assert.Equal(["第一章 总则"], doc.Chunks[0].HeadingPath);
        Assert.Equal(Samples.Statute.Split('\n').ToList().FindIndex(l => l.StartsWith("第三条 ", StringComparison.Ordinal)) + 1, third.Line);
        Assert.Equal("laws/示例法#第三条之一", doc.Chunks.Single(c => c.ArticleLabel == "第三条之一").Id);
    }

    [Fact]
    public void Second_h1_is_the_part_of_a_code()
    {
        var text = "# 中华人民共和国民法典\n\n# 婚姻家庭编\n\n2020年通过\n\n<!-- INFO END -->\n\n## 第一章  一般规定\n\n第一千零四十条 本编调整因婚姻家庭产生的民事关系。\n";
        var doc = Parse(text, "民法典/婚姻家庭编.md").Document!;
        Assert.Equal("民法典", doc.Info.ShortTitle);
        Assert.Equal("婚姻家庭编", doc.Info.Part);
        Assert.Equal(["婚姻家庭编", "第一章 一般规定"], doc.Chunks[0].HeadingPath);
    }

    [Fact]
    public void Guide_front_matter_and_sections_with_heading_paths()
    {
        var result = Parse(Samples.Guide, "guides/legal-aid.md");
        Assert.True(result.Ok, string.Join('\n', result.Diagnostics));
        var doc = result.Document!;
        Assert.Equal("guide-legal-aid", doc.Info.Id);
        Assert.Equal(DocumentKind.Guide, doc.Info.Kind);
        Assert.Equal("示例县", doc.Info.Region);
        Assert.Equal(new DateOnly(2024, 1, 1), doc.Info.Effective);
        Assert.Equal(["法律援助", "办事指南"], doc.Info.Tags);
        Assert.Equal("https://example.gov.cn/guide/legal-aid", doc.Info.Source);
        Assert.Equal(4, doc.Chunks.Count);
        Assert.Equal(["需要带的材料", "特殊情况"], doc.Chunks[3].HeadingPath);
        Assert.Contains("- 身份证", doc.Chunks[2].Text, StringComparison.Ordinal);
        Assert.Equal("guide-legal-aid#需要带的材料/特殊情况", doc.Chunks[3].Id);
    }

    [Fact]
    public void Chunk_ids_and_hashes_are_stable_and_track_content()
    {
        var a = Parse(Samples.Statute).Document!;
        var b = Parse(Samples.Statute).Document!;
        Assert.Equal(a.Chunks.Select(c => (c.Id, c.Hash)), b.Chunks.Select(c => (c.Id, c.Hash)));
        var edited = Parse(Samples.Statute.Replace("七日内", "五日内", StringComparison.Ordinal)).Document!;
        Assert.NotEqual(a.Chunks[^1].Hash, edited.Chunks[^1].Hash);
        Assert.Equal(a.Chunks[0].Hash, edited.Chunks[0].Hash);
        Assert.NotEqual(a.Info.FileHash, edited.Info.FileHash);
    }

    [Theory]
    [InlineData("---\ntitle: [未闭合\nkind: guide\n---\n\n正文\n", 2, "bad YAML in front matter")]
    [InlineData("---\ntitle: 指南\nkind: manual\n---\n\n正文\n", 3, "unknown kind 'manual'")]
    [InlineData("---\ntitle: 指南\nkind: guide\neffective: 下个月\n---\n\n正文\n", 4, "'effective' is not a date")]
    [InlineData("---\ntitle: 空的\nkind: guide\n---\n", 4, "empty document")]
    [InlineData("---\ntitle: 没有结尾\nkind: guide\n\n正文\n", 1, "no closing '---'")]
    [InlineData("---\ntitle: 条例\nkind: regulation\n---\n\n这里没有条文。\n", 6, "no article starts with")]
    public void Broken_files_are_reported_with_line(string text, int line, string message)
    {
        var result = Parse(text, "guides/bad.md");
        Assert.Null(result.Document);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("guides/bad.md", d.Path);
        Assert.Equal(line, d.Line);
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_article_label_is_reported_at_the_second()
    {
        var text = "# 示例条例\n\n第一条 甲。\n\n第二条 乙。\n\n第二条 丙。\n";
        var result = Parse(text);
        Assert.Null(result.Document);
        Assert.Equal("laws/示例法.md:7: duplicate article label 第二条 (first at line 5)", Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void Invalid_utf8_names_the_line()
    {
        var bytes = Encoding.UTF8.GetBytes("# 标题\n\n第一条 正常。\n").Concat(new byte[] { 0xB5, 0xDA, 0x0A }).ToArray();
        var result = MarkdownDocumentParser.Parse("laws/gbk.md", bytes);
        Assert.Null(result.Document);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(4, d.Line);
        Assert.Contains("UTF-8", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Byte_order_mark_and_crlf_are_accepted()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Samples.Statute.Replace("\n", "\r\n", StringComparison.Ordinal))).ToArray();
        var result = MarkdownDocumentParser.Parse("laws/示例法.md", bytes);
        Assert.True(result.Ok, string.Join('\n', result.Diagnostics));
        Assert.Equal(5, result.Document!.Chunks.Count);
    }

    [Fact]
    public void Plain_markdown_without_front_matter_or_articles_is_a_guide()
    {
        var doc = Parse("# 调解须知\n\n调解不收费。\n\n## 怎么申请\n\n到村委会申请。\n", "handbook/mediation.md").Document!;
        Assert.Equal(DocumentKind.Guide, doc.Info.Kind);
        Assert.Equal("调解须知", doc.Info.Title);
        Assert.Equal(2, doc.Chunks.Count);
    }

    [Theory]
    [InlineData("第二节  监  护", "第二节 监护")]
    [InlineData("第一章 总 则", "第一章 总则")]
    [InlineData("需要带的材料", "需要带的材料")]
    public void Headings_lose_typographic_spacing(string raw, string expected) =>
        Assert.Equal(expected, MarkdownDocumentParser.CleanHeading("## " + raw));

    [Fact]
    public void Every_corpus_statute_parses_to_the_documented_article_count()
    {
        var total = 0;
        foreach (var file in KnowledgeFolder.EnumerateDocuments(TestPaths.CorpusLaws).Files)
        {
            var result = MarkdownDocumentParser.Parse(file.RelativePath, File.ReadAllBytes(file.FullPath));
            Assert.True(result.Ok, file.RelativePath + ": " + string.Join('\n', result.Diagnostics));
            Assert.Equal(DocumentKind.Regulation, result.Document!.Info.Kind);
            total += result.Document.Chunks.Count(c => c.ArticleLabel is not null);
        }
        Assert.Equal(2123, total);
    }
}

/// <summary>Files built to break parsers: each becomes one problem with its line, never an exception.</summary>
public class HostileFileTests
{
    private static KnowledgeDiagnostic Only(string text)
    {
        var result = MarkdownDocumentParser.Parse("x.md", System.Text.Encoding.UTF8.GetBytes(text));
        Assert.Null(result.Document);
        return Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Deeply_nested_quotes_and_lists_are_refused_at_their_line()
    {
        Assert.Equal(3, Only("# 标题\n\n" + new string('>', 128) + " 深\n").Line);
        Assert.Equal(4, Only("# 标题\n\n正文\n" + string.Concat(Enumerable.Repeat("> - ", 40)) + "深\n").Line);
        Assert.Contains("nested", Only("# 标题\n\n" + string.Concat(Enumerable.Repeat("1. ", 40)) + "深\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Front_matter_that_would_overflow_the_yaml_parser_is_refused_before_it()
    {
        Assert.Equal(2, Only("---\ntitle: " + new string('[', 60_000) + "\n---\n\n正文\n").Line);
        Assert.Equal(3, Only("---\ntitle: 标题\ntags: " + new string('{', 100) + "\n---\n\n正文\n").Line);
        Assert.Contains("longer than", Only("---\n" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"k{i}: 很长很长的值很长很长的值\n")) + "---\n\n正文\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Brackets_in_quoted_yaml_strings_and_ordinary_lists_are_fine()
    {
        var ok = MarkdownDocumentParser.Parse("x.md", System.Text.Encoding.UTF8.GetBytes("---\ntitle: \"[[[[[[[[[[[[[[[[[[[[[[[[\"\ntags: [a, b]\n---\n\n## 节\n\n- 一\n  - 二\n    - 三\n\n> 引用\n"));
        Assert.True(ok.Ok, string.Join("; ", ok.Diagnostics));
    }

    [Fact]
    public void An_oversized_file_is_refused_without_parsing()
    {
        var result = MarkdownDocumentParser.Parse("big.md", new byte[3 * 1024 * 1024], KnowledgeLimits.Default);
        Assert.Contains("over the", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Links_out_of_the_folder_are_refused_and_links_within_it_are_served()
    {
        var root = Path.Combine(Path.GetTempPath(), "legalbot-links-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(root, "knowledge");
        Directory.CreateDirectory(Path.Combine(folder, "guides"));
        try
        {
            File.WriteAllText(Path.Combine(root, "outside.md"), "# 外面\n\n秘密\n");
            File.WriteAllText(Path.Combine(folder, "guides", "inside.md"), "# 里面\n\n正文\n");
            File.CreateSymbolicLink(Path.Combine(folder, "out.md"), Path.Combine(root, "outside.md"));
            File.CreateSymbolicLink(Path.Combine(folder, "in.md"), Path.Combine(folder, "guides", "inside.md"));
            Directory.CreateSymbolicLink(Path.Combine(folder, "up"), root);
            var listing = KnowledgeFolder.EnumerateDocuments(folder);
            Assert.Equal(["guides/inside.md", "in.md"], listing.Files.Select(f => f.RelativePath));
            Assert.Equal(["out.md", "up"], listing.Refused.Select(r => r.Path));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
