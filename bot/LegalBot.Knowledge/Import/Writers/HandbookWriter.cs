using System.Text;
using LegalBot.Knowledge.Documents;
using LegalBot.Knowledge.Import.Readers;

namespace LegalBot.Knowledge.Import.Writers;

/// <summary>
/// One handbook per department from an Excel guide, as in knowledge/handbooks: <c>## 事项名称</c> per item, each field
/// a paragraph led by its bold heading, a multi-line cell (a list of materials) as a list.
/// </summary>
public static class HandbookWriter
{
    public static IReadOnlyList<ImportedFile> Write(IReadOnlyList<GuideItem> items, string sourceName)
    {
        var files = new List<ImportedFile>();
        foreach (var department in items.GroupBy(i => i.Department, StringComparer.Ordinal))
        {
            var title = ImportTexts.HandbookTitle(department.Key);
            var body = new StringBuilder(FrontMatterWriter.Write(title, DocumentKind.Handbook, department.Key, source: ImportTexts.Source(sourceName),
                tags: ["办事指南", department.Key]));
            body.Append("# ").Append(title).Append("\n\n");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in department)
            {
                // Two rows with one name would be one section twice: number the repeats so each stays its own.
                var name = item.Name;
                for (var n = 2; !names.Add(name); n++) name = $"{item.Name}（{n}）";
                body.Append("## ").Append(name.Replace('\n', ' ')).Append("\n\n");
                foreach (var (heading, text) in item.Fields) body.Append(Field(heading, text)).Append("\n\n");
            }
            files.Add(new ImportedFile("handbooks/" + KnowledgePaths.FileName(title), DocumentKind.Handbook, title, body.ToString().TrimEnd() + "\n"));
        }
        return files;
    }

    private static string Field(string heading, string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var label = "**" + heading.Replace("*", "", StringComparison.Ordinal) + "**：";
        if (lines.Length == 1) return label + MarkdownText.Line(lines[0]);
        return label + "\n\n" + string.Join("\n", lines.Select(l => "- " + MarkdownText.Line(l)));
    }
}
