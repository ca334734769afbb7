using LegalBot.Knowledge.Documents;

namespace LegalBot.Knowledge.Import;

/// <summary>One Markdown file an import would write: its path under the knowledge folder and its full text (front matter included).</summary>
public sealed record ImportedFile(string RelativePath, DocumentKind Kind, string Title, string Markdown);

/// <summary>
/// What an import produced from one source file: the Markdown files to save and every problem found, both in reading
/// the source (an unknown column, a statute with no articles) and in checking the result with the folder's rules.
/// </summary>
public sealed record ImportResult(string SourceName, IReadOnlyList<ImportedFile> Files, IReadOnlyList<KnowledgeDiagnostic> Problems)
{
    /// <summary>True when nothing stops the files from being saved (warnings allowed).</summary>
    public bool CanSave => Files.Count > 0 && Problems.All(p => p.IsWarning);
}

/// <summary>A paragraph of a Word or PDF document: its text and, when the source marks it, a heading level (1 = title).</summary>
public sealed record SourceParagraph(string Text, int HeadingLevel = 0);

/// <summary>A source file that cannot be read at all (not a Word file, a damaged PDF, an empty sheet).</summary>
public sealed class ImportException(string message) : Exception(message);
