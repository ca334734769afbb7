using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace LegalBot.Knowledge.Import.Readers;

/// <summary>The paragraphs of a .docx body in order (table cells included), with heading levels from the paragraph styles.</summary>
public static class WordReader
{
    public static IReadOnlyList<SourceParagraph> Read(Stream content)
    {
        WordprocessingDocument document;
        try
        {
            document = WordprocessingDocument.Open(content, isEditable: false);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or FileFormatException or InvalidDataException or IOException)
        {
            throw new ImportException(ImportTexts.Unreadable("Word", ex.Message));
        }
        using (document)
        {
            var body = document.MainDocumentPart?.Document?.Body ?? throw new ImportException(ImportTexts.EmptyDocument);
            var styles = document.MainDocumentPart.StyleDefinitionsPart?.Styles?.Elements<Style>()
                .Where(s => s.StyleId?.Value is not null)
                .GroupBy(s => s.StyleId!.Value!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal) ?? [];
            var paragraphs = new List<SourceParagraph>();
            foreach (var p in body.Descendants<Paragraph>())
            {
                var text = Text(p).Trim();
                if (text.Length == 0) continue;
                paragraphs.Add(new SourceParagraph(text, HeadingLevel(p, styles)));
            }
            return paragraphs;
        }
    }

    private static string Text(Paragraph p)
    {
        var parts = new System.Text.StringBuilder();
        foreach (var e in p.Descendants())
        {
            switch (e)
            {
                case DocumentFormat.OpenXml.Wordprocessing.Text t: parts.Append(t.Text); break;
                case TabChar: parts.Append(' '); break;
                // A manual line break inside a paragraph stays a line break (a list of materials, say).
                case Break or CarriageReturn: parts.Append('\n'); break;
            }
        }
        return parts.ToString();
    }

    /// <summary>1 for Title / heading 1, 2 for heading 2 …; 0 for body text. Follows the style's outline level and its base style.</summary>
    private static int HeadingLevel(Paragraph p, Dictionary<string, Style> styles)
    {
        if (p.ParagraphProperties?.OutlineLevel?.Val?.Value is { } outline && outline < 9) return outline + 1;
        var id = p.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
        for (var depth = 0; id is not null && depth < 5; depth++)
        {
            if (!styles.TryGetValue(id, out var style)) return LevelFromName(id);
            var name = style.StyleName?.Val?.Value ?? id;
            if (LevelFromName(name) is > 0 and var level) return level;
            if (style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } o && o < 9) return o + 1;
            id = style.BasedOn?.Val?.Value;
        }
        return 0;
    }

    private static int LevelFromName(string name)
    {
        var n = name.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        if (n is "title" or "标题") return 1;
        foreach (var prefix in new[] { "heading", "标题" })
            if (n.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(n[prefix.Length..], out var level) && level is > 0 and < 10) return level;
        return 0;
    }
}
