using System.Text;
using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Import;

/// <summary>
/// Checks Markdown about to be saved with the rules <c>legalbot check</c> applies to each file (the same parser, so the
/// same problems at the same lines), plus the folder rule a single file can break on its own: an id another file holds.
/// References to other files are proved by the folder's own check once the file is saved.
/// </summary>
public static class ImportCheck
{
    /// <param name="existing">The documents the folder serves now (for duplicate ids); a document at the same path is being replaced.</param>
    public static IReadOnlyList<KnowledgeDiagnostic> Check(string relativePath, string markdown, IReadOnlyList<DocumentInfo> existing, KnowledgeLimits? limits = null)
    {
        if (!KnowledgePaths.IsAllowed(relativePath)) return [new(relativePath, 1, ImportTexts.BadPath(relativePath))];
        var result = MarkdownDocumentParser.Parse(relativePath, Encoding.UTF8.GetBytes(markdown), limits);
        if (result.Document is not { } doc) return result.Diagnostics;
        var owner = existing.FirstOrDefault(d => d.Id == doc.Info.Id && d.SourcePath != relativePath);
        return owner is null ? result.Diagnostics : [.. result.Diagnostics, new(relativePath, 1, ImportTexts.PathTaken(doc.Info.Id, owner.SourcePath))];
    }

    /// <summary>The kind the parser reads from <paramref name="markdown"/> (for a Markdown upload's folder), or null when it does not parse.</summary>
    public static DocumentKind? KindOf(string markdown, out string? title)
    {
        var result = MarkdownDocumentParser.Parse("import.md", Encoding.UTF8.GetBytes(markdown));
        title = result.Document?.Info.Title;
        return result.Document?.Info.Kind;
    }
}
