using System.Text;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Import.Writers;

/// <summary>
/// A statute from Word or PDF paragraphs, in the statute format of the corpus: <c># 标题</c>, the enactment history
/// ended by <c>&lt;!-- INFO END --&gt;</c>, <c>## 第X章 …</c> (<c>### 第X节</c>) headings, and one paragraph per
/// 款 with each article starting <c>第X条 </c>.
/// </summary>
public static class StatuteWriter
{
    /// <summary>At least this many paragraphs starting 第X条 make a Word/PDF file a statute.</summary>
    public const int MinArticles = 2;

    public static bool LooksLikeStatute(IReadOnlyList<SourceParagraph> paragraphs) =>
        paragraphs.Count(p => StatuteText.TryArticle(p.Text, out _, out _)) >= MinArticles;

    public static ImportedFile Write(IReadOnlyList<SourceParagraph> paragraphs, string sourceName, List<KnowledgeDiagnostic> problems)
    {
        var title = paragraphs[0].Text.Replace("\n", "", StringComparison.Ordinal).Trim();
        var history = new List<string>();
        var body = new StringBuilder();
        var seenStructure = false;
        string? pendingLabel = null;
        foreach (var p in paragraphs.Skip(1))
        {
            var text = p.Text.Trim();
            if (StatuteText.TryDivision(text, out var level, out var heading))
            {
                seenStructure = true;
                body.Append(new string('#', level == 1 ? 1 : level)).Append(' ').Append(heading).Append("\n\n");
                continue;
            }
            if (StatuteText.TryArticle(text, out var label, out var rest))
            {
                seenStructure = true;
                if (rest.Length == 0) { pendingLabel = label; continue; }
                body.Append(label).Append(' ').Append(MarkdownText.Paragraph(rest)).Append("\n\n");
                continue;
            }
            if (!seenStructure)
            {
                // Before the first chapter or article: the enactment and amendment history (and a table of contents).
                history.Add(MarkdownText.Paragraph(text));
                continue;
            }
            if (pendingLabel is not null)
            {
                body.Append(pendingLabel).Append(' ');
                pendingLabel = null;
            }
            body.Append(MarkdownText.Paragraph(text)).Append("\n\n");
        }
        var effective = history.SelectMany(StatuteText.Dates).Cast<DateOnly?>().Max();
        var markdown = new StringBuilder(FrontMatterWriter.Write(title, DocumentKind.Regulation, effective: effective, source: ImportTexts.Source(sourceName)));
        markdown.Append("# ").Append(title).Append("\n\n");
        if (history.Count > 0)
        {
            foreach (var h in history) markdown.Append(h).Append("\n\n");
            markdown.Append("<!-- ").Append(MarkdownDocumentParser.InfoEndMarker).Append(" -->\n\n");
        }
        markdown.Append(body);
        if (pendingLabel is not null) problems.Add(new(sourceName, 1, ImportTexts.NoArticles));
        return new ImportedFile("regulations/" + KnowledgePaths.FileName(LawNames.Shorten(title)), DocumentKind.Regulation, title,
            markdown.ToString().TrimEnd() + "\n");
    }
}
