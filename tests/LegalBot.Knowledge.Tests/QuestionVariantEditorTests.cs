using System.Text;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Editing;

namespace LegalBot.Knowledge.Tests;

/// <summary>Attaching a citizen's question to a matter, guide section or statute article: one line added, nothing else touched.</summary>
public sealed class QuestionVariantEditorTests
{
    private const string Guide = """
        ---
        title: 申请法律援助办事指南
        kind: guide
        id: guide-aid
        ---

        # 申请法律援助办事指南

        ## 谁可以申请

        经济困难的当事人。

        ## 需要带的材料

        身份证。
        """;

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(AttachResult r) => Encoding.UTF8.GetString(r.Content!);

    private static KnowledgeChunk Chunk(string path, byte[] content, string chunkId)
    {
        var parsed = MarkdownDocumentParser.Parse(path, content);
        Assert.True(parsed.Ok, string.Join('\n', parsed.Diagnostics));
        return parsed.Document!.Chunks.Single(c => c.Id == chunkId);
    }

    /// <summary>The edited file is the original with exactly <paramref name="inserted"/> lines added (in order), nothing changed.</summary>
    private static void OnlyAdded(string before, string after, params string[] inserted)
    {
        var a = before.Split('\n').ToList();
        var b = after.Split('\n').ToList();
        Assert.Equal(a.Count + inserted.Length, b.Count);
        var rest = b.ToList();
        foreach (var line in inserted) Assert.True(rest.Remove(line), $"'{line}' not added:\n{after}");
        Assert.Equal(a, rest);
    }

    [Fact]
    public void A_matter_gets_the_question_at_the_end_of_its_list_in_the_same_style()
    {
        const string path = "matters/administrative/hukou-refused.md";
        var before = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "knowledge", path));
        var result = QuestionVariantEditor.Attach(path, Bytes(before), "matter-administrative-hukou-refused", "孩子上户口派出所一直拖着不办");
        Assert.Equal(AttachStatus.Added, result.Status);
        Assert.Equal("matter-administrative-hukou-refused#matter", result.ChunkId);
        OnlyAdded(before, Text(result), "- 孩子上户口派出所一直拖着不办");
        var lines = Text(result).Split('\n');
        var added = Array.IndexOf(lines, "- 孩子上户口派出所一直拖着不办");
        Assert.StartsWith("- ", lines[added - 1], StringComparison.Ordinal);
        Assert.Contains("孩子上户口派出所一直拖着不办", Chunk(path, result.Content!, "matter-administrative-hukou-refused#matter").QuestionVariants);
    }

    [Fact]
    public void A_wording_the_document_has_is_refused_as_a_duplicate_even_with_other_punctuation_and_width()
    {
        const string path = "matters/administrative/hukou-refused.md";
        var before = Bytes(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "knowledge", path)));
        var result = QuestionVariantEditor.Attach(path, before, "matter-administrative-hukou-refused#matter", "孩子是没结婚生的，派出所说上不了户口？");
        Assert.Equal(AttachStatus.Duplicate, result.Status);
        Assert.Null(result.Content);

        var guide = QuestionVariantEditor.Attach("guides/aid.md", Bytes(Guide), "guide-aid#谁可以申请", "没钱请律师找谁");
        var again = QuestionVariantEditor.Attach("guides/aid.md", guide.Content!, "guide-aid#谁可以申请", "没钱请律师找谁？");
        Assert.Equal(AttachStatus.Duplicate, again.Status);
    }

    [Fact]
    public void A_guide_section_gets_a_questions_mapping_then_more_keys_and_items_in_place()
    {
        var first = QuestionVariantEditor.Attach("guides/aid.md", Bytes(Guide), "guide-aid#谁可以申请", "没钱请律师找谁");
        Assert.Equal(AttachStatus.Added, first.Status);
        OnlyAdded(Guide, Text(first), "questions:", "  谁可以申请:", "    - 没钱请律师找谁");
        Assert.Equal(["没钱请律师找谁"], Chunk("guides/aid.md", first.Content!, "guide-aid#谁可以申请").QuestionVariants);

        var second = QuestionVariantEditor.Attach("guides/aid.md", first.Content!, "guide-aid#需要带的材料", "申请援助要带啥");
        OnlyAdded(Text(first), Text(second), "  需要带的材料:", "    - 申请援助要带啥");
        var third = QuestionVariantEditor.Attach("guides/aid.md", second.Content!, "guide-aid#谁可以申请", "打官司没钱怎么办: 急");
        OnlyAdded(Text(second), Text(third), "    - \"打官司没钱怎么办: 急\"");
        Assert.Equal(["没钱请律师找谁", "打官司没钱怎么办: 急"], Chunk("guides/aid.md", third.Content!, "guide-aid#谁可以申请").QuestionVariants);
        Assert.Equal(["申请援助要带啥"], Chunk("guides/aid.md", third.Content!, "guide-aid#需要带的材料").QuestionVariants);
        // The body is as it was.
        Assert.EndsWith(Guide[Guide.IndexOf("# 申请法律援助办事指南", StringComparison.Ordinal)..], Text(third), StringComparison.Ordinal);
    }

    [Fact]
    public void A_statute_without_front_matter_gets_one_and_keeps_its_title_kind_and_articles()
    {
        var result = QuestionVariantEditor.Attach("laws/示例法.md", Bytes(Samples.Statute), "laws/示例法#第四条", "申请了多久给答复");
        Assert.Equal(AttachStatus.Added, result.Status);
        Assert.StartsWith("---\nquestions:\n  第四条:\n    - 申请了多久给答复\n---\n# 中华人民共和国示例法", Text(result), StringComparison.Ordinal);
        var doc = MarkdownDocumentParser.Parse("laws/示例法.md", result.Content!).Document!;
        Assert.Equal(("中华人民共和国示例法", DocumentKind.Regulation), (doc.Info.Title, doc.Info.Kind));
        Assert.Equal(["第一条", "第二条", "第三条", "第三条之一", "第四条"], doc.Chunks.Select(c => c.ArticleLabel));
        Assert.Equal(["申请了多久给答复"], doc.Chunks.Single(c => c.ArticleLabel == "第四条").QuestionVariants);
        Assert.Empty(doc.Chunks.Single(c => c.ArticleLabel == "第一条").QuestionVariants);
    }

    [Fact]
    public void Crlf_line_endings_and_a_byte_order_mark_are_kept()
    {
        var crlf = Guide.Replace("\n", "\r\n", StringComparison.Ordinal);
        byte[] content = [0xEF, 0xBB, 0xBF, .. Bytes(crlf)];
        var result = QuestionVariantEditor.Attach("guides/aid.md", content, "guide-aid#谁可以申请", "没钱请律师找谁");
        Assert.Equal(AttachStatus.Added, result.Status);
        Assert.Equal([0xEF, 0xBB, 0xBF], result.Content![..3]);
        var text = Encoding.UTF8.GetString(result.Content[3..]);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("questions:\r\n  谁可以申请:\r\n    - 没钱请律师找谁\r\n---", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_targets_and_bad_questions_are_refused_without_content()
    {
        Assert.Equal(AttachStatus.UnknownTarget, QuestionVariantEditor.Attach("guides/aid.md", Bytes(Guide), "guide-aid#没有这节", "问").Status);
        // A document of several sections needs the section.
        Assert.Equal(AttachStatus.UnknownTarget, QuestionVariantEditor.Attach("guides/aid.md", Bytes(Guide), "guide-aid", "问").Status);
        Assert.Equal(AttachStatus.Refused, QuestionVariantEditor.Attach("guides/aid.md", Bytes(Guide), "guide-aid#谁可以申请", "   ").Status);
        Assert.Equal(AttachStatus.Refused, QuestionVariantEditor.Attach("guides/aid.md", Bytes(Guide), "guide-aid#谁可以申请", new string('问', 201)).Status);
        var oneLine = Guide.Replace("id: guide-aid", "id: guide-aid\nquestions: {谁可以申请: [没钱]}", StringComparison.Ordinal);
        var refused = QuestionVariantEditor.Attach("guides/aid.md", Bytes(oneLine), "guide-aid#谁可以申请", "没钱请律师找谁");
        Assert.Equal(AttachStatus.Refused, refused.Status);
        Assert.Contains("one line", refused.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_parser_reads_front_matter_questions_and_reports_a_key_that_names_no_section_at_its_line()
    {
        var ok = Guide.Replace("id: guide-aid", "id: guide-aid\nquestions:\n  第3条:\n    - 不存在", StringComparison.Ordinal);
        var parsed = MarkdownDocumentParser.Parse("guides/aid.md", Bytes(ok));
        var problem = Assert.Single(parsed.Diagnostics);
        Assert.Equal(6, problem.Line);
        Assert.Contains("第3条", problem.Message, StringComparison.Ordinal);

        var statute = "---\nquestions:\n  第3条:\n    - 哪些事能申请\n---\n" + Samples.Statute;
        var article = MarkdownDocumentParser.Parse("laws/示例法.md", Bytes(statute)).Document!.Chunks.Single(c => c.ArticleLabel == "第三条");
        Assert.Equal(["哪些事能申请"], article.QuestionVariants);
    }

    [Fact]
    public async Task The_file_editor_stays_inside_the_folder_and_writes_atomically()
    {
        var root = Path.Combine(Path.GetTempPath(), "legalbot-edit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "guides"));
        try
        {
            var editor = new KnowledgeFileEditor(root);
            Assert.Null(editor.Resolve("../outside.md"));
            Assert.Null(editor.Resolve("/etc/passwd.md"));
            Assert.Null(editor.Resolve("guides/aid.txt"));
            File.WriteAllText(Path.Combine(root, "guides", "aid.md"), Guide);
            var result = await editor.AttachQuestionAsync("guides/aid.md", "guide-aid#谁可以申请", "没钱请律师找谁", CancellationToken.None);
            Assert.Equal(AttachStatus.Added, result.Status);
            Assert.Contains("    - 没钱请律师找谁", File.ReadAllText(Path.Combine(root, "guides", "aid.md")), StringComparison.Ordinal);
            Assert.Equal(["aid.md"], Directory.GetFiles(Path.Combine(root, "guides")).Select(Path.GetFileName));
            await Assert.ThrowsAsync<KnowledgeEditConflictException>(() => editor.WriteAsync("guides/aid.md", null, Bytes(Guide), CancellationToken.None));
            await Assert.ThrowsAsync<KnowledgeEditConflictException>(() => editor.WriteAsync("guides/aid.md", Bytes(Guide), Bytes(Guide), CancellationToken.None));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
