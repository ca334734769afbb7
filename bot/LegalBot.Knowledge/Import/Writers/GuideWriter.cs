using System.Text;
using System.Text.RegularExpressions;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Import.Writers;

/// <summary>
/// A guide from Word or PDF paragraphs: the first title (or first paragraph) is the title, headings become <c>##</c>/<c>###</c>
/// sections. Chinese documents often number headings in plain text (一、… （一）…) instead of styling them: a short such
/// paragraph without closing punctuation counts as a heading too.
/// </summary>
public static partial class GuideWriter
{
    public static ImportedFile Write(IReadOnlyList<SourceParagraph> paragraphs, string sourceName)
    {
        var titleIndex = paragraphs.ToList().FindIndex(p => p.HeadingLevel == 1);
        if (titleIndex < 0) titleIndex = 0;
        var title = paragraphs[titleIndex].Text.Replace("\n", "", StringComparison.Ordinal).Trim();
        var body = new StringBuilder();
        var minLevel = paragraphs.Where((p, i) => i != titleIndex && p.HeadingLevel > 1).Select(p => p.HeadingLevel).DefaultIfEmpty(2).Min();
        foreach (var (p, i) in paragraphs.Select((p, i) => (p, i)))
        {
            if (i == titleIndex) continue;
            var level = p.HeadingLevel > 0 ? Math.Clamp(p.HeadingLevel - minLevel + 2, 2, 4) : NumberedHeadingLevel(p.Text);
            if (level > 0) body.Append(new string('#', level)).Append(' ').Append(p.Text.Replace("\n", " ", StringComparison.Ordinal).Trim()).Append("\n\n");
            else body.Append(MarkdownText.Paragraph(p.Text)).Append("\n\n");
        }
        var markdown = FrontMatterWriter.Write(title, DocumentKind.Guide, source: ImportTexts.Source(sourceName)) + "# " + title + "\n\n" + body;
        return new ImportedFile("guides/" + KnowledgePaths.FileName(title), DocumentKind.Guide, title, markdown.TrimEnd() + "\n");
    }

    private static int NumberedHeadingLevel(string text)
    {
        if (text.Length > 30 || text.Contains('\n', StringComparison.Ordinal) || "。；：;:，,".Contains(text[^1], StringComparison.Ordinal)) return 0;
        if (FirstLevel().IsMatch(text)) return 2;
        return SecondLevel().IsMatch(text) ? 3 : 0;
    }

    [GeneratedRegex(@"^[一二三四五六七八九十]+、")]
    private static partial Regex FirstLevel();

    [GeneratedRegex(@"^[（(][一二三四五六七八九十]+[）)]")]
    private static partial Regex SecondLevel();
}
